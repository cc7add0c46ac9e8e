import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, existsSync, rmSync } from 'node:fs';
import { runExperiment, mergeShards } from '../experiment';
import { fakeRegistries } from '../testing/fakes';
import type { FakeCounters } from '../testing/fakes';
import { tmpWorkspace, BASE_SPEC } from '../testing/tmp';
import { paperColumns } from '../testing/csv';
import type { TmpWorkspace } from '../testing/tmp';
import { RunnerError } from '../errors';
import { diffTables, readCsv } from '../report/diff';

const SWEEP = BASE_SPEC.replace(
  '  - method: table-ft\n',
  '  - method: table-ft\n    label: FT\n    matrix: { paraphrase: [false, true] }\n  - method: table-ft\n    label: FT-broken\n    params: { failOn: "Subject 5 " }\n  - method: table-ft\n    label: FT-hot\n    params: { lr: 100 }\n',
) + 'protocols: [{ kind: single }, { kind: sequential, T: 3 }, { kind: batch, size: 6 }]\n';

let ws: TmpWorkspace;
afterEach(() => ws?.cleanup());

function counters(): FakeCounters {
  return { applies: 0, loads: 0, prepares: 0 };
}
// The CSV without its interval columns (checked in report/intervals.spec.ts), and the meta file.
const files = (w: TmpWorkspace) => ['fake.csv', 'fake.meta.json'].map((f, i) => (i ? (s: string) => s : paperColumns)(readFileSync(`${w.resultsDir}/${f}`, 'utf8')));

describe('run', () => {
  it('writes a CSV with fixed row order and formatting; failing and diverging cells are recorded, the run goes on', async () => {
    ws = tmpWorkspace({ 'spec.yaml': SWEEP });
    const c = counters();
    const res = await runExperiment('spec.yaml', fakeRegistries(c), ws, { renderer: 'silent' });
    const [csv] = files(ws);
    expect(csv!.split('\n').slice(0, 7)).toEqual([
      'model,dataset,method,hparams,protocol,n,efficacy,generalization,locality,score,status,error',
      'table,facts,FT,paraphrase=false,single,12,100.00,0.00,100.00,0.00,ok,',
      'table,facts,FT,paraphrase=false,sequential(T=3),12,100.00,0.00,33.33,0.00,ok,',
      'table,facts,FT,paraphrase=false,batch(6),12,100.00,0.00,16.67,0.00,ok,',
      'table,facts,FT,paraphrase=true,single,12,100.00,100.00,100.00,100.00,ok,',
      'table,facts,FT,paraphrase=true,sequential(T=3),12,100.00,100.00,33.33,60.00,ok,', // Score = HM(1, 1, 1/3)
      'table,facts,FT,paraphrase=true,batch(6),12,100.00,100.00,16.67,37.50,ok,', // neighbours edited in the same batch
    ]);
    const rest = csv!.split('\n').slice(7);
    expect(rest[0]).toBe("table,facts,FT-broken,,single,8,,,,,failed,cannot edit 'Subject 5 lives in'");
    expect(rest[3]).toMatch(/^table,facts,FT-hot,,single,12,100\.00,0\.00,100\.00,0\.00,diverged,non-finite learn loss editing record 0/);
    // 4 method variants × 3 protocols; chunk 4 → 3 chunks single, 4 sequential(T=3 → 6 per chunk: 2), batch(6 → 2)
    expect(res.run.executed.length).toBe(1 + 4 * (3 + 2 + 2));
    expect(c.prepares).toBe(1); // one shared stage: same inputs for every variant on the same model
    const meta = JSON.parse(files(ws)[1]!);
    expect(meta.errors.filter((e: { status: string }) => e.status === 'failed')).toHaveLength(3);
    expect(meta.spec.methods[0].matrix).toEqual({ paraphrase: [false, true] });
    expect(meta.environment).toEqual({ backend: 'fake', versions: { runner: 'test' } });
  });

  it('sequential editing evaluates all T requests on the final model (edits persist until the group is undone)', async () => {
    // In single mode record i's neighbour (i+1) is untouched; in sequential/batch mode the neighbour of
    // the group's first records was itself edited, so locality drops: 12 records, groups of 3 → 2 of 3 hit.
    // `efficacy-before` (when: before) is measured on the same model before the group's edit.
    ws = tmpWorkspace({ 'spec.yaml': BASE_SPEC.replace('locality, score', 'locality, efficacy-before') + 'protocols: [{ kind: single }, { kind: sequential, T: 3 }]\n' });
    await runExperiment('spec.yaml', fakeRegistries(), ws, { renderer: 'silent' });
    const lines = files(ws)[0]!.trim().split('\n');
    expect(lines[1]).toBe('table,facts,table-ft,,single,12,100.00,0.00,100.00,0.00,ok,');
    expect(lines[2]).toBe('table,facts,table-ft,,sequential(T=3),12,100.00,0.00,33.33,0.00,ok,');
  });

  it('metrics with params and their own column names; a derived metric reads its inputs\' columns', async () => {
    const spec = BASE_SPEC.replace('metrics: [efficacy, generalization, locality, score]', 'metrics: [{ metric: efficacy, label: eff }, generalization, locality, score, nll, { metric: nll, label: nll-true, params: { target: "true" } }]');
    ws = tmpWorkspace({ 'spec.yaml': spec });
    const r = await runExperiment('spec.yaml', fakeRegistries(), ws, { renderer: 'silent' });
    expect(r.prepared.spec.metrics[4]).toBe('nll');
    expect(r.prepared.spec.metrics[0]).toEqual({ metric: 'efficacy', label: 'eff', params: {} });
    expect(files(ws)[0]!.split('\n').slice(0, 2)).toEqual([
      'model,dataset,method,hparams,protocol,n,eff,generalization,locality,score,nll,nll-true,status,error',
      'table,facts,table-ft,,single,12,100.00,0.00,100.00,0.00,0.1000,3.0000,ok,',
    ]);
  });

  it('cost metrics come from the edits\' measured stats (ForGet Table 5); wall times go to .timing.json, not the CSV', async () => {
    ws = tmpWorkspace({ 'spec.yaml': BASE_SPEC.replace('locality, score]', 'locality, edit-ms, extra-bytes, prepare-ms, prepare-bytes, peak-tensor-bytes]').replace('- method: table-ft', '- method: table-ft\n    params: { paraphrase: true }') });
    await runExperiment('spec.yaml', fakeRegistries(), ws, { renderer: 'silent' });
    const [header, row] = files(ws)[0]!.split('\n');
    expect(header).toBe('model,dataset,method,hparams,protocol,n,efficacy,generalization,locality,extra-bytes,prepare-bytes,peak-tensor-bytes,status,error');
    // 2 prompts × 8 bytes kept; the stage keeps its JSON value {"count":N} (the fake model's facts); the fake edits allocate no tensors
    const meta = JSON.parse(readFileSync(`${ws.resultsDir}/fake.meta.json`, 'utf8')) as { stages: { value: unknown }[] };
    const stageValue = Buffer.byteLength(JSON.stringify(meta.stages[0]!.value));
    expect(meta.stages[0]!.value).toEqual({ count: 120 });
    expect(row).toBe(`table,facts,table-ft,,single,12,100.00,100.00,100.00,16,${stageValue},0,ok,`);
    const timing = JSON.parse(readFileSync(`${ws.resultsDir}/fake.timing.json`, 'utf8')) as { rows: { metrics: Record<string, number> }[] };
    expect(timing.rows[0]!.metrics['edit-ms']).toBe(2); // 2 ms per request (fake)
    expect(timing.rows[0]!.metrics['prepare-ms']).toBeGreaterThanOrEqual(0);
  });

  it('a method item\'s constant columns (columns:) follow the key columns in the CSV, records.csv and meta rows', async () => {
    const spec = BASE_SPEC.replace('  - method: table-ft\n', '  - { method: table-ft, label: A, columns: { type: MP } }\n  - { method: table-ft, label: B, params: { lr: 0.2 } }\n');
    ws = tmpWorkspace({ 'spec.yaml': spec });
    await runExperiment('spec.yaml', fakeRegistries(), ws, { renderer: 'silent' });
    const [csv, meta] = files(ws);
    expect(csv!.trim().split('\n').map((l) => l.split(',').slice(0, 8).join(','))).toEqual([
      'model,dataset,method,hparams,protocol,type,n,efficacy',
      'table,facts,A,,single,MP,12,100.00',
      'table,facts,B,,single,,12,100.00',
    ]);
    expect(readFileSync(`${ws.resultsDir}/fake.records.csv`, 'utf8').split('\n')[1]).toMatch(/^table,facts,A,,single,MP,\S+?,/);
    expect((JSON.parse(meta!) as { rows: { method: string; type?: string }[] }).rows.map((r) => [r.method, r.type])).toEqual([['A', 'MP'], ['B', undefined]]);
    // editlab diff reads the constant column as text, not as a metric
    const t = readCsv(`${ws.resultsDir}/fake.csv`);
    const d = diffTables(t, t, new Map(), { tolerance: 0 });
    expect(d.metrics).not.toContain('type');
  });

  it('a constant column may not take the name of a column the table already has', async () => {
    ws = tmpWorkspace({ 'spec.yaml': BASE_SPEC.replace('  - method: table-ft\n', '  - { method: table-ft, columns: { efficacy: x } }\n') });
    await expect(runExperiment('spec.yaml', fakeRegistries(), ws, { renderer: 'silent' })).rejects.toThrow(/spec\.yaml:9:46: \/methods\/0\/columns\/efficacy: column 'efficacy' is already a column of the table/);
  });

  it('models and datasets sweep with matrix: too (e.g. forget-set size), named label[k=v]', async () => {
    ws = tmpWorkspace({ 'spec.yaml': BASE_SPEC.replace('    params: { n: 12 }', '    label: F\n    matrix: { n: [3, 6] }').replace('  - model: table', '  - model: table\n    matrix: { size: [40, 50] }') });
    await runExperiment('spec.yaml', fakeRegistries(), ws, { renderer: 'silent' });
    expect(files(ws)[0]!.trim().split('\n').slice(1).map((l) => l.split(',').slice(0, 6).join(','))).toEqual([
      'table[size=40],F[n=3],table-ft,,single,3',
      'table[size=40],F[n=6],table-ft,,single,6',
      'table[size=50],F[n=3],table-ft,,single,3',
      'table[size=50],F[n=6],table-ft,,single,6',
    ]);
  });

  it('plots: declared in the spec are drawn after the run, deterministically', async () => {
    const spec = SWEEP + 'plots:\n  - { kind: radar, metrics: [efficacy, generalization, locality], series: method, output: fig/radar.svg }\n  - { kind: bar, metrics: [score], output: fig/bar.svg }\n';
    ws = tmpWorkspace({ 'spec.yaml': spec });
    const r = await runExperiment('spec.yaml', fakeRegistries(), ws, { renderer: 'silent' });
    expect(r.plots).toEqual([`${ws.resultsDir}/fig/radar.svg`, `${ws.resultsDir}/fig/bar.svg`]);
    const svg = readFileSync(r.plots![0]!, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('FT-hot');
    await runExperiment('spec.yaml', fakeRegistries(), ws, { renderer: 'silent' });
    expect(readFileSync(r.plots![0]!, 'utf8')).toBe(svg);
  });

  it('rows: per-record gives one line per record, with text columns (case studies)', async () => {
    ws = tmpWorkspace({ 'spec.yaml': BASE_SPEC.replace('metrics: [efficacy, generalization, locality, score]', 'rows: per-record\nmetrics: [efficacy, completion]') });
    await runExperiment('spec.yaml', fakeRegistries(), ws, { renderer: 'silent' });
    const lines = files(ws)[0]!.trim().split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'model,dataset,method,hparams,protocol,record,efficacy,completion,status,error',
      'table,facts,table-ft,,single,0,100.00, City3,ok,',
      'table,facts,table-ft,,single,1,100.00, City4,ok,',
    ]);
    expect(lines).toHaveLength(13);
  });

  it('a text metric with when: before is generated on the model before the edit, in the same cell (case studies before/after)', async () => {
    ws = tmpWorkspace({ 'spec.yaml': BASE_SPEC.replace('metrics: [efficacy, generalization, locality, score]', 'rows: per-record\nmetrics: [completion-before, completion]') });
    await runExperiment('spec.yaml', fakeRegistries(), ws, { renderer: 'silent' });
    expect(files(ws)[0]!.trim().split('\n').slice(0, 3)).toEqual([
      'model,dataset,method,hparams,protocol,record,completion-before,completion,status,error',
      'table,facts,table-ft,,single,0, City0, City3,ok,',
      'table,facts,table-ft,,single,1, City1, City4,ok,',
    ]);
  });

  it('a model that fails to load fails its cells (and stages) with the reason; the other model runs', async () => {
    ws = tmpWorkspace({ 'spec.yaml': BASE_SPEC.replace('  - model: table\n', '  - model: table\n    label: bad\n    params: { failLoad: true }\n  - model: table\n') });
    await runExperiment('spec.yaml', fakeRegistries(), ws, { renderer: 'silent' });
    const lines = files(ws)[0]!.trim().split('\n');
    expect(lines[1]).toBe("bad,facts,table-ft,,single,0,,,,,failed,stage 'stats table-ft @ bad' failed: [CHECKPOINT] checkpoint is truncated");
    expect(lines[2]).toBe('table,facts,table-ft,,single,12,100.00,0.00,100.00,0.00,ok,');
  });

  it('a model build stage (finetune) runs once, is cached with its artifacts, and its failure fails the model\'s cells', async () => {
    const spec = BASE_SPEC.replace('  - model: table\n', '  - model: table-tuned\n    label: tuned\n  - model: table-tuned\n    label: broken\n    params: { failBuild: true }\n');
    ws = tmpWorkspace({ 'spec.yaml': spec });
    const c = counters();
    await runExperiment('spec.yaml', fakeRegistries(c), ws, { renderer: 'silent' });
    expect(c.builds).toBe(2);
    const lines = files(ws)[0]!.trim().split('\n');
    // the build moved every subject to its new city, so neighbours no longer say their true one: locality 0
    expect(lines[1]).toBe('tuned,facts,table-ft,,single,12,100.00,0.00,0.00,0.00,ok,');
    expect(lines[2]).toBe("broken,facts,table-ft,,single,0,,,,,failed,stage 'finetune broken' failed: finetuning diverged");
    const again = counters();
    await runExperiment('spec.yaml', fakeRegistries(again), ws, { renderer: 'silent' });
    expect(again.builds).toBe(1); // the successful build is cached; the failed one is retried
    expect(again.applies).toBe(0); // cells behind the failed build were never attempted, so nothing to redo
  });

  it('a batch larger than the method accepts is reported as unsupported, not run', async () => {
    ws = tmpWorkspace({ 'spec.yaml': BASE_SPEC + 'protocols: [{ kind: single }, { kind: batch, size: 4 }]\n' });
    const reg = fakeRegistries();
    const ft = reg.methods.get('table-ft')!;
    (reg.methods as Map<string, typeof ft>).set('table-ft', { ...ft, maxBatch: 1 });
    const r = await runExperiment('spec.yaml', reg, ws, { renderer: 'silent' });
    expect(files(ws)[0]!.trim().split('\n')[2]).toBe('table,facts,table-ft,,batch(4),0,,,,,unsupported,table-ft edits at most 1 request(s) per call; protocol asks for 4');
    expect(r.run.executed).toHaveLength(1 + 3); // the stage and the single-protocol cells only
  });

  it('a rerun redoes nothing and writes byte-identical files; a fresh run (no cache) gives the same bytes', async () => {
    ws = tmpWorkspace({ 'spec.yaml': SWEEP });
    await runExperiment('spec.yaml', fakeRegistries(), ws, { renderer: 'silent' });
    const first = files(ws);
    const c = counters();
    const again = await runExperiment('spec.yaml', fakeRegistries(c), ws, { renderer: 'silent' });
    expect(again.run.executed).toEqual([]);
    expect(c.applies).toBe(0);
    expect(files(ws)).toEqual(first);
    rmSync(ws.cacheDir, { recursive: true });
    rmSync(ws.resultsDir, { recursive: true });
    await runExperiment('spec.yaml', fakeRegistries(), ws, { renderer: 'silent' });
    expect(files(ws)).toEqual(first);
  });

  it('a run interrupted after N tasks resumes without redoing or losing any', async () => {
    ws = tmpWorkspace({ 'spec.yaml': SWEEP });
    const total = 1 + 4 * 7;
    const abort = new AbortController();
    let done = 0;
    const c1 = counters();
    const interrupted = runExperiment('spec.yaml', fakeRegistries(c1), ws, {
      renderer: 'silent',
      concurrency: 2,
      signal: abort.signal,
      onTaskDone: () => {
        if (++done === 9) abort.abort();
      },
    });
    await expect(interrupted).rejects.toThrow(RunnerError);
    expect(existsSync(`${ws.resultsDir}/fake.csv`)).toBe(false);
    const finished = done; // 9, plus whatever was in flight on the second worker
    const c2 = counters();
    const resumed = await runExperiment('spec.yaml', fakeRegistries(c2), ws, { renderer: 'silent' });
    expect(resumed.run.cached.length).toBe(finished);
    expect(resumed.run.executed.length).toBe(total - finished);
    const resumedFiles = files(ws);
    rmSync(ws.cacheDir, { recursive: true });
    await runExperiment('spec.yaml', fakeRegistries(), ws, { renderer: 'silent' });
    expect(files(ws)).toEqual(resumedFiles);
  });

  it('shards partition the cells, and merge writes exactly the bytes of a single run', async () => {
    ws = tmpWorkspace({ 'spec.yaml': SWEEP });
    await runExperiment('spec.yaml', fakeRegistries(), ws, { renderer: 'silent' });
    const single = files(ws);
    const singleTiming = readFileSync(`${ws.resultsDir}/fake.timing.json`, 'utf8');
    rmSync(ws.resultsDir, { recursive: true });
    rmSync(ws.cacheDir, { recursive: true });
    const shardFiles: string[] = [];
    const seen = new Set<string>();
    for (const index of [2, 0, 1]) {
      const r = await runExperiment('spec.yaml', fakeRegistries(), ws, { renderer: 'silent', shard: { index, count: 3 } });
      for (const k of r.run.outputs.keys()) {
        expect(seen.has(k)).toBe(false);
        seen.add(k);
      }
      shardFiles.push(r.shardFile!);
      rmSync(ws.cacheDir, { recursive: true }); // each shard on its own machine
    }
    expect(existsSync(`${ws.resultsDir}/fake.csv`)).toBe(false);
    await expect(mergeShards(shardFiles.slice(0, 2), fakeRegistries(), ws)).rejects.toThrow(/missing shard\(s\) 1 of 3/);
    await mergeShards(shardFiles, fakeRegistries(), ws);
    expect(files(ws)).toEqual(single);
    expect(singleTiming).toContain('editMs');
  });
});
