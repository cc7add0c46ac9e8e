// Task keys are content hashes: a change re-keys exactly what depends on it.
import { afterAll, describe, expect, it } from 'vitest';
import { planExperiment } from '../experiment';
import { fakeRegistries } from '../testing/fakes';
import { tmpWorkspace, BASE_SPEC } from '../testing/tmp';
import type { Registries } from '../registries';

const ws = tmpWorkspace();
afterAll(() => ws.cleanup());

const TWO = BASE_SPEC.replace('  - method: table-ft\n', '  - method: table-ft\n    label: A\n  - method: table-ft\n    label: B\n    params: { lr: 0.2 }\n');

async function keys(spec: string, reg: Registries = fakeRegistries()) {
  ws.write({ 'k.yaml': spec });
  const { plan } = await planExperiment('k.yaml', reg, ws);
  return {
    stages: plan.stages.map((s) => s.key),
    rows: plan.rows.map((r) => r.cells),
    planKey: plan.planKey,
  };
}

describe('task keys', () => {
  it('are stable across plans of the same spec', async () => {
    expect(await keys(TWO)).toEqual(await keys(TWO));
  });

  it('a changed method param re-keys only that method\'s cells', async () => {
    const a = await keys(TWO);
    const b = await keys(TWO.replace('lr: 0.2', 'lr: 0.3'));
    expect(b.stages).toEqual(a.stages); // the shared stage depends only on prepare.inputs()
    expect(b.rows[0]).toEqual(a.rows[0]);
    expect(b.rows[1]!.some((k) => a.rows[1]!.includes(k))).toBe(false);
  });

  it('the seed, a metric version or an upstream model re-keys every cell', async () => {
    const a = await keys(TWO);
    const seeded = await keys(TWO + 'seed: 1\n');
    expect(seeded.rows.flat().some((k) => a.rows.flat().includes(k))).toBe(false);
    const reg = fakeRegistries();
    const eff = reg.metrics.get('efficacy')!;
    (reg.metrics as Map<string, typeof eff>).set('efficacy', { ...eff, version: '2' });
    const bumped = await keys(TWO, reg);
    expect(bumped.stages).toEqual(a.stages);
    expect(bumped.rows.flat().some((k) => a.rows.flat().includes(k))).toBe(false);
    const bigger = await keys(TWO.replace('  - model: table\n', '  - model: table\n    params: { size: 41 }\n'));
    expect(bigger.stages[0]).not.toBe(a.stages[0]);
    expect(bigger.rows.flat().some((k) => a.rows.flat().includes(k))).toBe(false);
  });

  it('a label or description is presentation: cell keys stay, the plan (table) key changes', async () => {
    const a = await keys(TWO);
    const b = await keys(TWO.replace('label: A', 'label: FT-A') + 'description: relabelled\n');
    expect(b.rows).toEqual(a.rows);
    expect(b.planKey).not.toBe(a.planKey);
  });
});
