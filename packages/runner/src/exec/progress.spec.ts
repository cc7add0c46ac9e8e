// The progress title of a phase: counts, then what was cached or failed, the elapsed time, an ETA
// that moves with the running cells' progress, and what is running; shown at most every intervalMs.
import { describe, expect, it } from 'vitest';
import { Progress } from './progress';

/** A Progress on a clock the test moves. */
function clocked(name: string, total: number, intervalMs = 0) {
  const clock = { ms: 0 };
  return { p: new Progress(name, total, intervalMs, () => clock.ms), clock };
}

describe('Progress', () => {
  it('titles count done, cached and failed tasks; nothing executed means no elapsed time and no ETA', () => {
    const { p, clock } = clocked('cells', 4);
    expect(p.title()).toBe('cells 0/4');
    p.tick(true);
    p.tick(true, true);
    expect(p.title()).toBe('cells 2/4 · 2 cached · 1 failed');
    clock.ms = 10_000;
    p.tick(false, true);
    expect(p.title()).toBe('cells 3/4 · 2 cached · 2 failed · 10s elapsed · ETA 10s'); // 10 s per executed cell, 1 left
    clock.ms = 75_000;
    p.tick(false);
    expect(p.title()).toBe('cells 4/4 · 2 cached · 2 failed · 1m15s elapsed'); // nothing left: no ETA
  });

  it('shows the running cell, its record and its elapsed time; the ETA moves during the cell', () => {
    const { p, clock } = clocked('cells', 3);
    p.begin();
    const id = p.start('gpt2 · cf · FT · single · records 0-9');
    expect(p.title()).toBe('cells 0/3 · 0s elapsed · now: gpt2 · cf · FT · single · records 0-9, 0s');
    clock.ms = 4_000;
    p.step(id, { step: 'edit', index: 4, total: 10 }); // 0.4 of a cell in 4 s: 10 s a cell, 2.6 cells left
    expect(p.title()).toBe('cells 0/3 · 4s elapsed · ETA 26s · now: gpt2 · cf · FT · single · records 0-9: edit record 5/10, 4s');
    clock.ms = 9_000;
    p.step(id, { step: 'eval', index: 9, total: 10 }); // 0.95 of a cell in 9 s
    expect(p.title()).toMatch(/ · 9s elapsed · ETA 19s · now: .*: eval record 10\/10, 9s$/);
    p.end(id);
    p.tick(false);
    expect(p.title()).toBe('cells 1/3 · 9s elapsed · ETA 18s');
  });

  it('shows a shared stage\'s training step (a pretraining, a side model) and counts it toward the ETA', () => {
    const { p, clock } = clocked('shared stages', 2);
    p.begin();
    const id = p.start('pretrain-facts tiny-llama-facts');
    clock.ms = 60_000;
    p.step(id, { step: 'train', index: 500, total: 2500 }); // a fifth of a stage in 60 s: 1.8 stages left
    expect(p.title()).toBe('shared stages 0/2 · 1m00s elapsed · ETA 9m00s · now: pretrain-facts tiny-llama-facts: step 500/2500, 1m00s');
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
