import { describe, expect, it } from 'vitest';
import { MetricsError } from './errors';
import { editDistance, getMetric, listMetrics, metricRegistry } from './registry';

describe('metric registry', () => {
  it('looks up records and filters by dataset kind', () => {
    expect(getMetric('efficacy')).toMatchObject({ higherIsBetter: true, unit: 'percent' });
    expect(getMetric('collapsed').higherIsBetter).toBe(false);
    expect(listMetrics('mmlu').map((m) => m.name)).toContain('mc-accuracy');
    expect(listMetrics('tofu').map((m) => m.name)).toContain('truth-ratio');
    expect(listMetrics('pistol').map((m) => m.name)).not.toContain('truth-ratio');
  });
  it('unknown names fail with "did you mean"', () => {
    expect(editDistance('eficacy', 'efficacy')).toBe(1);
    expect(() => getMetric('eficacy')).toThrow(/Did you mean "efficacy"\?/);
    try {
      getMetric('zzzz');
    } catch (e) {
      expect(e).toBeInstanceOf(MetricsError);
      expect((e as MetricsError).code).toBe('METRIC_UNKNOWN');
      expect((e as Error).message).not.toMatch(/Did you mean/);
    }
    expect.assertions(5);
  });
  it('every metric that reads the model names the split it reads', () => {
    const noSplit = [...metricRegistry.values()].filter((r) => r.split === undefined).map((r) => r.name);
    expect(noSplit).toEqual(['score', 'wall-time', 'peak-memory']); // derived, measured, measured
    expect(getMetric('generalization').split).toBe('paraphrase');
    expect(getMetric('mc-accuracy').split).toBe('general');
  });
  it('every option schema is a closed object schema', () => {
    for (const r of metricRegistry.values()) {
      expect(r.optionsSchema).toMatchObject({ type: 'object', additionalProperties: false });
    }
  });
});
