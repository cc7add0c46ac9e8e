// The Execution's steps return what happened: cached, done (and now cached), failed or skipped.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeRegistries } from '../testing/fakes';
import type { FakeCounters } from '../testing/fakes';
import { resolvedSpec } from '../testing/spec';
import type { Spec } from '../experiment-spec/types';
import type { Registries } from '../registries';
import { buildPlan } from '../plan/inputs';
import type { ModelTask, Plan, PrepareTask } from '../plan/graph';
import { TaskCache } from './cache';
import { Execution } from './execution';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function setup(spec: Spec, counters?: FakeCounters, tweak?: (reg: Registries) => void): Promise<{ plan: Plan; reg: Registries; cache: TaskCache }> {
  dir = mkdtempSync(join(tmpdir(), 'editlab-exec-'));
  const reg = fakeRegistries(counters);
  tweak?.(reg);
  return { plan: await buildPlan(spec, reg, dir), reg, cache: new TaskCache(join(dir, 'cache')) };
}
const prepareOf = (plan: Plan) => plan.stages.find((s): s is PrepareTask => s.kind === 'prepare')!;

describe('Execution', () => {
  it('a stage and a cell run once: done (and cached), then cached with the same values', async () => {
    const c: FakeCounters = { applies: 0, loads: 0, prepares: 0 };
    const { plan, reg, cache } = await setup(resolvedSpec(), c);
    const first = new Execution(plan, reg, cache);
    const stage = await first.runStage(prepareOf(plan));
    expect(stage).toMatchObject({ status: 'done', value: { count: 120 } }); // 40 subjects × (prompt, paraphrase, QA prompt)
    const cell = await first.runCell(plan.cells[0]!);
    expect(cell.status).toBe('done');
    expect(cell.output.status).toBe('ok');
    expect(cell.output.records.map((r) => [r.id, r.values['efficacy'], r.values['locality']])).toEqual([['0', 1, 1], ['1', 1, 1], ['2', 1, 1], ['3', 1, 1]]);
    expect(first.executed).toEqual([prepareOf(plan).key, plan.cells[0]!.key]);
    expect(c).toMatchObject({ prepares: 1, applies: 4, loads: 1 }); // the stage's model instance is reused by the cell
    first.dispose();

    const again = new Execution(plan, reg, cache);
    expect(await again.runStage(prepareOf(plan))).toEqual({ status: 'cached', value: { count: 120 }, ms: (stage as { ms: number }).ms });
    expect(await again.runCell(plan.cells[0]!)).toEqual({ status: 'cached', output: cell.output });
    expect(again.cached).toEqual([prepareOf(plan).key, plan.cells[0]!.key]);
    expect(again.executed).toEqual([]);
    expect(c).toMatchObject({ prepares: 1, applies: 4 });
    expect(again.stageOutputs([prepareOf(plan)])).toEqual(new Map([[prepareOf(plan).key, { label: 'stats table-ft @ table', value: { count: 120 } }]]));
  });

  it('a failed stage is not cached; the cells behind it are skipped with its error, not run and not cached', async () => {
    const c: FakeCounters = { applies: 0, loads: 0, prepares: 0 };
    const { plan, reg, cache } = await setup(resolvedSpec({ models: [{ model: 'table', params: { failLoad: true } }] }), c);
    const exec = new Execution(plan, reg, cache);
    const error = "stage 'stats table-ft @ table' failed: [CHECKPOINT] checkpoint is truncated";
    expect(await exec.runStage(prepareOf(plan))).toEqual({ status: 'failed', error });
    const cell = await exec.runCell(plan.cells[0]!);
    expect(cell).toEqual({ status: 'skipped', output: { status: 'failed', error, records: [], timing: { editMs: 0, evalMs: 0 } } });
    expect(exec.outputs.get(plan.cells[0]!.key)).toBe(cell.output);
    expect([cache.has(prepareOf(plan).key), cache.has(plan.cells[0]!.key)]).toEqual([false, false]);
    expect(exec.executed).toEqual([]);
    expect(c.applies).toBe(0);
    expect(exec.stageOutputs([prepareOf(plan)]).size).toBe(0);
  });

  it('a failed model build fails its precomputation without running it', async () => {
    const c: FakeCounters = { applies: 0, loads: 0, prepares: 0 };
    const { plan, reg, cache } = await setup(resolvedSpec({ models: [{ model: 'table-tuned', label: 'broken', params: { failBuild: true } }] }), c);
    const exec = new Execution(plan, reg, cache);
    const build = plan.stages[0] as ModelTask;
    const error = "stage 'finetune broken' failed: finetuning diverged";
    expect(await exec.runStage(build)).toEqual({ status: 'failed', error });
    expect(await exec.runStage(prepareOf(plan))).toEqual({ status: 'failed', error });
    expect([c.builds, c.prepares, c.loads]).toEqual([1, 0, 0]);
  });

  it('a cell that throws is done with a failed output (cached); retryFailed runs it again', async () => {
    const c: FakeCounters = { applies: 0, loads: 0, prepares: 0 };
    const { plan, reg, cache } = await setup(resolvedSpec({ methods: [{ method: 'table-ft', params: { failOn: 'Subject 2 ' } }] }), c);
    const cell = plan.cells[0]!; // records 0-3
    const first = await new Execution(plan, reg, cache).runCell(cell);
    expect(first).toMatchObject({ status: 'done', output: { status: 'failed', error: "cannot edit 'Subject 2 lives in'", records: [] } });
    expect(cache.has(cell.key)).toBe(true);
    expect((await new Execution(plan, reg, cache).runCell(cell)).status).toBe('cached');
    const applies = c.applies;
    const retry = new Execution(plan, reg, cache, { retryFailed: true });
    expect((await retry.runCell(cell)).status).toBe('done');
    expect(retry.executed).toEqual([cell.key]);
    expect(c.applies).toBe(applies + 3); // records 0, 1, then 2 throws
  });

  it('an unsupported cell is skipped as unsupported, and not cached', async () => {
    const { plan, reg, cache } = await setup(resolvedSpec({ protocols: [{ kind: 'batch', size: 4 }] }), undefined, (reg) => {
      const ft = reg.methods.get('table-ft')!;
      (reg.methods as Map<string, typeof ft>).set('table-ft', { ...ft, maxBatch: 1 });
    });
    const out = await new Execution(plan, reg, cache).runCell(plan.cells[0]!);
    expect(out).toEqual({ status: 'skipped', output: { status: 'unsupported', error: plan.cells[0]!.unsupported, records: [], timing: { editMs: 0, evalMs: 0 } } });
    expect(out.output.error).toMatch(/at most 1 request/);
    expect(cache.has(plan.cells[0]!.key)).toBe(false);
  });
});
