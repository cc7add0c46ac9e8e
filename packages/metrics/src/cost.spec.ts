import { describe, expect, it } from 'vitest';
import { measureCost } from './cost';

describe('measureCost', () => {
  it('measureCost returns the value, wall time and a positive peak memory', async () => {
    const m = await measureCost(() => new Promise<number>((res) => setTimeout(() => res(7), 30)));
    expect(m.value).toBe(7);
    expect(m.wallMs).toBeGreaterThanOrEqual(25);
    expect(m.peakRssBytes).toBeGreaterThan(0);
  });
});
