// `npm run bench` -- editlab engine speed against PyTorch CPU on the same machine (issue 8).
// Not a test. Options: --size=a,b,c[,tiny]  (tiny, tiny-llama = the default models' pretraining steps)  --steps=12  --warmup=3  --no-torch  --no-gen  --model=engine|proxy
//   --matmul=openblas|xnnpack-wrapper|stock (same as EDITLAB_MATMUL)
//   --rounds=2  alternate editlab and PyTorch runs this many times per size and pool the steps (a shared,
//               noisy machine then loads both sides alike)
//   --records=6  records of the whole-job benchmark (bench/job-bench.ts, bench/torch_job.py); --no-job skips it
//   --variants  also time the step under each kernel set (stock tfjs-wasm → full engine path), same run
//   --table=experiments/forget/table1.yaml [--table-jobs=2]  also the wall time of that whole table on an empty
//               cache (bench/table-wall.ts; ForGet Table 1 is about an hour of CPU today)
// Prints the sgemm ceiling, a table per size, and last one line per size:
//   step ratio editlab/pytorch size=<a|b|c>: <x.xx>      (against PyTorch's fastest thread setting)
//   job ratio editlab/pytorch: <x.xx>   (one record of FT edit + CounterFact evaluation, bench/job-bench.ts)
//   table wall time <spec>: <m> min     (with --table)
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend, registerWasmKernels, type WasmKernelOptions } from '@editlab/engine';
import { benchEditlab, fmtMs, type EditlabResult } from './editlab-bench';
import { median, SIZES, TINY, stepFlops, GEN, type BenchSize } from './sizes';
import { benchJob, jobSummary } from './job-bench';
import { tableWall } from './table-wall';
import { runTorch, runTorchJob, torchAvailable, tryInstallTorch, TORCH_SETTINGS, type TorchJobRun, type TorchRun } from './torch-bench';

function arg(name: string): string | undefined {
  const a = process.argv.find((x) => x === `--${name}` || x.startsWith(`--${name}=`));
  return a === undefined ? undefined : (a.split('=')[1] ?? '');
}

const log = (s: string) => console.log(s);

function sgemmCeiling(): number {
  const a = tf.randomNormal([1024, 1024]);
  const b = tf.randomNormal([1024, 1024]);
  const ts: number[] = [];
  for (let i = 0; i < 9; i++) {
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    c.dataSync();
    ts.push(performance.now() - t0);
    c.dispose();
  }
  tf.dispose([a, b]);
  return (2 * 1024 ** 3) / (median(ts.slice(2)) / 1000) / 1e9;
}

interface Row { s: BenchSize; ed: EditlabResult; torch: TorchRun[] }

/** Kernel sets from stock tfjs-wasm to the engine's full path (docs/engine-backend.md §2, §6; the ladder in docs/engine-speed.md). */
const VARIANTS: Array<{ name: string; opts: WasmKernelOptions; maxSteps: number }> = [
  { name: 'stock tfjs-wasm (+UnsortedSegmentSum)', opts: { matmul: 'stock', noCopy: false, nativeElementwise: false, fused: false }, maxSteps: 2 },
  { name: 'JS XNNPACK matmul wrapper + zero-copy + JS leading-axis Sum', opts: { matmul: 'xnnpack-wrapper', noCopy: true, nativeElementwise: false, fused: false }, maxSteps: 5 },
  { name: 'OpenBLAS sgemm + zero-copy + JS leading-axis Sum', opts: { matmul: 'openblas', noCopy: true, nativeElementwise: false, fused: false }, maxSteps: 8 },
  { name: '+ native Sum/Tanh/Exp', opts: { matmul: 'openblas', noCopy: true, nativeElementwise: true, fused: false }, maxSteps: 12 },
  { name: '+ fused GELU/LayerNorm/xent/Adam (default)', opts: {}, maxSteps: 12 },
];

async function variantLadder(sizes: readonly BenchSize[], steps: number): Promise<void> {
  log(`\nkernel-set ladder (training step, median ms [min–max]; load avg ${loadavg().map((x) => x.toFixed(2)).join(' ')})`);
  log(`| kernel set | ${sizes.map((s) => s.id).join(' | ')} |`);
  log(`|---|${sizes.map(() => '---').join('|')}|`);
  for (const v of VARIANTS) {
    let info;
    try { info = registerWasmKernels(v.opts); } catch (e) { log(`| ${v.name} | skipped: ${(e as Error).message} |`); continue; }
    const cells: string[] = [];
    for (const s of sizes) {
      const r = await benchEditlab(s, Math.min(steps, v.maxSteps), 1, false);
      cells.push(`${fmtMs(r.stepMs)} (loss ${r.loss0.toFixed(4)})`);
    }
    log(`| ${v.name} [${info.matmul}] | ${cells.join(' | ')} |`);
  }
  registerWasmKernels();
}

function bestTorch(runs: TorchRun[], key: 'stepMs' | 'genMs'): TorchRun | undefined {
  return runs.filter((r) => r[key].length).sort((x, y) => median(x[key]) - median(y[key]))[0];
}

const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

/** The whole-job benchmark: editlab's records, then PyTorch's peer on the same token ids (`rounds` times each). */
async function jobBench(torchOk: boolean, rounds: number): Promise<void> {
  const n = Number(arg('records') ?? 6);
  log(`\nwhole job: FT edit + CounterFact evaluation of ${n} world-counterfact records on models/tiny-gpt2 (median per record; load avg ${load()})`);
  let ed: number[] = [];
  let maxLossGap = 0;
  const torch: TorchJobRun[] = [];
  for (let r = 0; r < rounds; r++) {
    const e = await benchJob(n, 1, mkdtempSync(join(tmpdir(), 'editlab-job-')));
    ed = [...ed, ...e.jobMs];
    log(`  editlab: ${jobSummary(e)}`);
    if (!torchOk) continue;
    TORCH_SETTINGS.forEach((setting, i) => {
      const t = runTorchJob(e.jobFile, setting);
      t.loss0.forEach((l, k) => (maxLossGap = Math.max(maxLossGap, Math.abs(l - e.loss0[k]!))));
      const prev = torch[i];
      torch[i] = prev ? { ...prev, jobMs: [...prev.jobMs, ...t.jobMs], editMs: [...prev.editMs, ...t.editMs], scoreMs: [...prev.scoreMs, ...t.scoreMs], genMs: [...prev.genMs, ...t.genMs] } : t;
    });
  }
  const f = (xs: number[]) => median(xs).toFixed(0);
  for (const t of torch) log(`  torch ${t.version} [${t.setting}]: record ${f(t.jobMs)} ms (edit ${f(t.editMs)} ms, scoring ${f(t.scoreMs)} ms, generation ${f(t.genMs)} ms)`);
  if (torch.length) log(`  same model on both sides: largest gap between the records' pre-edit target NLLs ${maxLossGap.toExponential(1)} nats`);
  const best = torch.sort((x, y) => median(x.jobMs) - median(y.jobMs))[0];
  log(`job ratio editlab/pytorch: ${best ? `${(median(ed) / median(best.jobMs)).toFixed(2)} (${f(ed)} / ${f(best.jobMs)} ms per record, PyTorch ${best.setting}; load avg ${load()})` : 'n/a (PyTorch skipped)'}`);
}

async function main(): Promise<void> {
  if (arg('matmul')) process.env['EDITLAB_MATMUL'] = arg('matmul');
  const steps = Number(arg('steps') ?? 12);
  const warmup = Number(arg('warmup') ?? 3);
  const gen = arg('no-gen') === undefined;
  const want = (arg('size') ?? 'a,b,c').split(',');
  const sizes = [...SIZES, ...TINY].filter((s) => want.includes(s.id));
  const info = await initBackend();
  log(`editlab bench: backend ${info.name} (${info.provider}, tfjs ${info.tfjsVersion}), matmul ${info.matmul}` +
    `${info.wasmKernels?.blasThreads ? `, OpenBLAS threads ${info.wasmKernels.blasThreads}` : ''}; ` +
    `${steps} steps after ${warmup} warm-up; load avg ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  log(`sgemm ceiling (tf.matMul 1024³ on the ${info.matmul} path): ${sgemmCeiling().toFixed(1)} GFLOP/s`);

  if (arg('variants') !== undefined && info.name === 'wasm') await variantLadder(sizes, steps);
  let torchOk = arg('no-torch') === undefined;
  if (torchOk) {
    const t = torchAvailable();
    if (!t.ok && !tryInstallTorch(log)) { log(`PyTorch: skipping (${t.reason})`); torchOk = false; }
  }
  const rows: Row[] = [];
  const rounds = Math.max(1, Number(arg('rounds') ?? 1));
  for (const s of sizes) {
    let ed: EditlabResult | undefined;
    const torch: TorchRun[] = [];
    for (let r = 0; r < rounds; r++) {
      const e = await benchEditlab(s, steps, warmup, gen);
      ed = ed ? { ...e, stepMs: [...ed.stepMs, ...e.stepMs], genMs: [...ed.genMs, ...e.genMs], loss0: ed.loss0 } : e;
      if (!torchOk || s.arch) continue; // bench/torch_step.py is the GPT-2-style model only
      TORCH_SETTINGS.forEach((setting, i) => {
        const t = runTorch(s.id, steps, warmup, gen, setting);
        const prev = torch[i];
        torch[i] = prev ? { ...prev, stepMs: [...prev.stepMs, ...t.stepMs], genMs: [...prev.genMs, ...t.genMs] } : t;
      });
    }
    if (!ed) continue;
    rows.push({ s, ed, torch });
    const gf = stepFlops(s) / (median(ed.stepMs) / 1000) / 1e9;
    log(`\nsize ${s.id} (V ${s.vocab}, d ${s.d}, L ${s.layers}, H ${s.heads}, T ${s.seq}, B ${s.batch}; ${(stepFlops(s) / 1e9).toFixed(2)} GFLOP/step)`);
    log(`  editlab [${ed.model}]: step ${fmtMs(ed.stepMs)} ms (${gf.toFixed(1)} GFLOP/s, ${(s.batch * s.seq / (median(ed.stepMs) / 1000)).toFixed(0)} tok/s), ` +
      `loss ${ed.loss0.toFixed(4)} → ${ed.lossLast.toFixed(4)}, wasm heap ${ed.peakHeapMiB.toFixed(0)} MiB; generate ${fmtMs(ed.genMs)} ms`);
    for (const t of torch) {
      log(`  torch ${t.version} [${t.setting}]: step ${fmtMs(t.stepMs)} ms, loss0 ${t.loss0.toFixed(4)}; generate ${fmtMs(t.genMs)} ms; sgemm ${t.sgemmGflops.toFixed(0)} GFLOP/s`);
    }
  }
  log(`\n| size | editlab step ms | PyTorch best step ms (setting) | step ratio | editlab gen ms | PyTorch best gen ms | gen ratio |`);
  log(`|---|---|---|---|---|---|---|`);
  for (const { s, ed, torch } of rows) {
    const bt = bestTorch(torch, 'stepMs');
    const bg = bestTorch(torch, 'genMs');
    const r = bt ? (median(ed.stepMs) / median(bt.stepMs)).toFixed(2) : '–';
    const rg = bg && ed.genMs.length ? (median(ed.genMs) / median(bg.genMs)).toFixed(2) : '–';
    log(`| ${s.id} | ${median(ed.stepMs).toFixed(0)} | ${bt ? `${median(bt.stepMs).toFixed(0)} (${bt.setting})` : '–'} | ${r} | ` +
      `${ed.genMs.length ? median(ed.genMs).toFixed(0) : '–'} | ${bg ? median(bg.genMs).toFixed(0) : '–'} | ${rg} |`);
  }
  log(`(generation: ${GEN.prompts} prompts × ${GEN.promptLen} tokens, ${GEN.newTokens} new tokens, greedy, KV cache; load avg now ${loadavg().map((x) => x.toFixed(2)).join(' ')})`);
  if (arg('no-job') === undefined) await jobBench(torchOk, rounds);
  const table = arg('table');
  const wall = table ? tableWall(table, Number(arg('table-jobs') ?? 2), log) : undefined;
  for (const { s, ed, torch } of rows) {
    const bt = bestTorch(torch, 'stepMs');
    log(`step ratio editlab/pytorch size=${s.id}: ${bt ? (median(ed.stepMs) / median(bt.stepMs)).toFixed(2) : 'n/a (PyTorch skipped)'}`);
  }
  if (wall) {
    log(`table wall time ${wall.spec}: ${(wall.seconds / 60).toFixed(1)} min (${wall.seconds.toFixed(0)} s)${wall.ok ? '' : ' (the run FAILED)'}, of which side-model and other timed stages ${(wall.stageSeconds / 60).toFixed(1)} min of compute (load avg ${wall.load})`);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? `bench failed: ${e.message}` : e);
  process.exit(1);
});
