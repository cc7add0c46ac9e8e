// Yield points (exec/yield.ts): compute that only awaits microtasks starves the event loop (no signal
// handler, no timer runs) until it yields; a yield point reports where a cell is and abandons it once
// the run is aborted. A cell abandoned there undoes its edits, and a run abandoned mid-cell caches
// every finished cell and nothing of the abandoned one. On the fakes; the real signal test is
// cli/signals.spec.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fakeRegistries } from '../testing/fakes';
import { withBuiltins } from '../builtin-metrics';
import { tmpWorkspace, BASE_SPEC, type TmpWorkspace } from '../testing/tmp';
import { runExperiment } from '../experiment';
import type { Protocol } from '../experiment-spec/types';
import type { CellEditor, EditRequest, Registries } from '../registries';
import { RunnerError } from '../errors';
import { runCell } from './cell';
import { AbandonedError, timeSliced, yieldPoint, yieldToEventLoop, type CellStep } from './yield';

const ctx = { seed: 0, specDir: '.' };

/** Busy "compute" of `n` units that awaits only microtasks, with `between` awaited after each unit. */
async function busy(n: number, between: () => Promise<void>, log: string[]): Promise<void> {
  for (let i = 0; i < n; i++) {
    await Promise.resolve();
    log.push(`unit ${i}`);
    await between();
  }
}

describe('yielding to the event loop', () => {
  it('microtask-only compute starves setImmediate callbacks; yieldToEventLoop lets them run between units', async () => {
    const starved: string[] = [];
    setImmediate(() => starved.push('handler'));
    await busy(3, () => Promise.resolve(), starved);
    expect(starved).toEqual(['unit 0', 'unit 1', 'unit 2']); // the handler has not run yet
    await yieldToEventLoop();
    expect(starved.at(-1)).toBe('handler');

    const fair: string[] = [];
    setImmediate(() => fair.push('handler'));
    await busy(3, yieldToEventLoop, fair);
    expect(fair).toEqual(['unit 0', 'handler', 'unit 1', 'unit 2']);
  });

  it('timeSliced yields only once sliceMs passed since its last yield', async () => {
    const clock = { ms: 0 };
    const turn = timeSliced(20, () => clock.ms);
    const log: string[] = [];
    const handler = () => setImmediate(() => log.push('handler'));
    handler();
    await busy(2, turn, log); // 0 ms passed: no yield
    expect(log).toEqual(['unit 0', 'unit 1']);
    clock.ms = 25;
    await busy(2, turn, log); // the first call yields, the second is within the new slice
    expect(log).toEqual(['unit 0', 'unit 1', 'unit 0', 'handler', 'unit 1']);
  });

  it('a yield point reports each step and throws AbandonedError once the signal is aborted (here during its turn)', async () => {
    const abort = new AbortController();
    const steps: CellStep[] = [];
    const at = yieldPoint({ signal: abort.signal, sliceMs: 0, onStep: (s) => steps.push(s) });
    await at({ step: 'edit', index: 0, total: 2 });
    setImmediate(() => abort.abort()); // a signal handler, run while the compute yields
    const err = await at({ step: 'eval', index: 0, total: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbandonedError);
    expect(err).toBeInstanceOf(RunnerError);
    expect((err as RunnerError).code).toBe('ABORTED');
    expect(steps).toEqual([{ step: 'edit', index: 0, total: 2 }, { step: 'eval', index: 0, total: 2 }]);
  });
});

describe('a cell abandoned at a yield point', () => {
  async function abandonAt(protocol: Protocol, stopAt: CellStep) {
    const reg = withBuiltins(fakeRegistries());
    const model = await reg.models.get('table')!.load({ size: 40 }, ctx);
    const facts = model.model as Map<string, string>;
    const before = new Map(facts);
    const records = await reg.datasets.get('facts')!.load({ n: 8 }, ctx);
    const edits: string[] = [];
    const inner = reg.methods.get('table-ft')!.create({ lr: 0.1, paraphrase: false, delayMs: 0 }, { ...ctx, prepared: {} });
    const editor: CellEditor = { apply: (m, reqs) => (edits.push(...reqs.map((r) => (r as EditRequest).prompt)), inner.apply(m, reqs)) };
    const abort = new AbortController();
    const steps: string[] = [];
    const at = yieldPoint({
      signal: abort.signal,
      sliceMs: 0,
      onStep: (s) => {
        steps.push(`${s.step} ${s.index}/${s.total}`);
        if (s.step === stopAt.step && s.index === stopAt.index) setImmediate(() => abort.abort());
      },
    });
    const bound = ['efficacy', 'locality'].map((id) => ({ use: { id, column: id, params: {} }, entry: reg.metrics.get(id)! }));
    const result = await runCell(model, editor, records, protocol, bound, { ms: 0, bytes: 0 }, at).catch((e: unknown) => e);
    return { result, steps, edits, restored: [...facts].sort().join('\n') === [...before].sort().join('\n') };
  }

  it('single: stops before the next step, after undoing the record in flight', async () => {
    const { result, steps, edits, restored } = await abandonAt({ kind: 'single' }, { step: 'edit', index: 2, total: 8 });
    expect(result).toBeInstanceOf(AbandonedError);
    expect(steps).toEqual(['edit 0/8', 'eval 0/8', 'edit 1/8', 'eval 1/8', 'edit 2/8']);
    expect(edits).toEqual(['Subject 0 lives in', 'Subject 1 lives in']); // record 2 was never edited
    expect(restored).toBe(true);
  });

  it('sequential: the group\'s edits so far are undone, in reverse order, as the cell unwinds', async () => {
    const { result, steps, edits, restored } = await abandonAt({ kind: 'sequential', T: 4 }, { step: 'edit', index: 3, total: 8 });
    expect(result).toBeInstanceOf(AbandonedError);
    expect(steps).toEqual(['edit 0/8', 'edit 1/8', 'edit 2/8', 'edit 3/8']);
    expect(edits).toHaveLength(3); // three edits on the model, no evaluation yet
    expect(restored).toBe(true);
  });
});

describe('a run abandoned mid-cell', () => {
  let ws: TmpWorkspace;
  afterEach(() => ws?.cleanup());

  it('rejects with ABORTED; the finished cells are cached, the abandoned one is not; the resumed run writes the same bytes', async () => {
    ws = tmpWorkspace({ 'spec.yaml': BASE_SPEC }); // 12 records, chunk 4: 3 cells
    const abort = new AbortController();
    let applies = 0;
    const base = fakeRegistries();
    const method = base.methods.get('table-ft')!;
    // A method that aborts the run while editing the second cell's second record (as a signal would).
    const aborting: Registries = {
      ...base,
      methods: new Map([[method.id, { ...method, create: (p, c) => {
        const inner = method.create(p, c);
        return { apply: (m, reqs) => (++applies === 6 && abort.abort(), inner.apply(m, reqs)) };
      } }]]),
    };
    const run = runExperiment('spec.yaml', aborting, ws, { renderer: 'silent', signal: abort.signal });
    await expect(run).rejects.toThrow(/^run interrupted after 2 new task\(s\) \(finished tasks are cached in .*\); rerun the same command to resume$/);
    expect(applies).toBe(6); // nothing edited after the abort
    const entries = () => readdirSync(join(ws.cacheDir, 'tasks'), { recursive: true }).map(String).filter((f) => f.endsWith('.json'));
    const kinds = entries().map((f) => (JSON.parse(readFileSync(join(ws.cacheDir, 'tasks', f), 'utf8')) as { kind: string }).kind).sort();
    expect(kinds).toEqual(['cell', 'prepare']); // the stage and the first cell; nothing of the second

    const resumed = await runExperiment('spec.yaml', fakeRegistries(), ws, { renderer: 'silent' });
    expect([resumed.run.cached.length, resumed.run.executed.length]).toEqual([2, 2]);
    const csv = readFileSync(join(ws.resultsDir, 'fake.csv'), 'utf8');
    rmSync(ws.cacheDir, { recursive: true });
    await runExperiment('spec.yaml', fakeRegistries(), ws, { renderer: 'silent' });
    expect(readFileSync(join(ws.resultsDir, 'fake.csv'), 'utf8')).toBe(csv);
  });

  it('a stage that says where it is at ctx.yieldPoint reaches the display (the run\'s progress title)', async () => {
    ws = tmpWorkspace({ 'spec.yaml': BASE_SPEC });
    const base = fakeRegistries();
    const method = base.methods.get('table-ft')!;
    const prepare = method.stages![0]!;
    const stage = { ...prepare, run: async (...args: Parameters<typeof prepare.run>) => {
      for (let done = 100; done <= 300; done += 100) {
        const t = performance.now();
        while (performance.now() - t < 60); // compute: titles refresh at most every 100 ms
        await args[2].yieldPoint!({ step: 'train', index: done, total: 300 });
      }
      return prepare.run(...args);
    } };
    const reg: Registries = { ...base, methods: new Map([[method.id, { ...method, stages: [stage] }]]) };
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array) => (lines.push(String(chunk)), true)) as typeof process.stdout.write;
    try {
      await runExperiment('spec.yaml', reg, ws, { renderer: 'verbose', progressIntervalMs: 0 });
    } finally {
      process.stdout.write = write;
    }
    expect(lines.join('')).toMatch(/shared stages 0\/\d+ .*now: .*: step (100|200|300)\/300/);
  });

  it('a method stage abandoned at ctx.yieldPoint is not cached, and no cell starts', async () => {
    ws = tmpWorkspace({ 'spec.yaml': BASE_SPEC });
    const abort = new AbortController();
    const base = fakeRegistries();
    const method = base.methods.get('table-ft')!;
    let after = 0;
    const prepare = method.stages![0]!;
    const stage = { ...prepare, run: async (...args: Parameters<typeof prepare.run>) => {
      abort.abort(); // as a signal would, while the stage works
      await args[2].yieldPoint!();
      after++;
      return prepare.run(...args);
    } };
    const aborting: Registries = { ...base, methods: new Map([[method.id, { ...method, stages: [stage] }]]) };
    await expect(runExperiment('spec.yaml', aborting, ws, { renderer: 'silent', signal: abort.signal })).rejects.toThrow(/^run interrupted after 0 new task\(s\)/);
    expect(after).toBe(0);
    expect(existsSync(ws.cacheDir) ? readdirSync(ws.cacheDir, { recursive: true }).map(String).filter((f) => f.endsWith('.json')) : []).toEqual([]);
  });
});
