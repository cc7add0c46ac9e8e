// The progress title of a phase: counts, then what was cached or failed; shown at most every intervalMs.
import { describe, expect, it } from 'vitest';
import { Progress } from './progress';

describe('Progress', () => {
  it('titles count done, cached and failed tasks; nothing executed means no ETA', () => {
    const p = new Progress('cells', 4);
    expect(p.title()).toBe('cells 0/4');
    p.tick(true);
    p.tick(true, true);
    expect(p.title()).toBe('cells 2/4 · 2 cached · 1 failed');
    p.tick(false, true);
    expect(p.title()).toMatch(/^cells 3\/4 · 2 cached · 2 failed · ETA \d+s$/);
    p.tick(false);
    expect(p.title()).toBe('cells 4/4 · 2 cached · 2 failed'); // nothing left: no ETA
  });

  it('with a long interval shows the first title and the last, nothing between', () => {
    const p = new Progress('shared stages', 3, 1e9);
    const shown: string[] = [];
    for (let i = 0; i < 3; i++) {
      p.tick(true);
      p.show((t) => shown.push(t));
    }
    expect(shown).toEqual(['shared stages 1/3 · 1 cached', 'shared stages 3/3 · 3 cached']);
  });
});
