// `npm run demo`: train a tiny transformer on a few dozen sentences of facts, print the backend, the loss
// falling and the model's greedy completions of each fact's prompt. Options: --arch gpt2|llama,
// --steps N, --seed S. Runs in well under two minutes on two cores. Uses only the engine's public API.
import { CharTokenizer, encodeTexts, generate, initBackend, paramCount, train, Transformer, type ModelConfig } from '@editlab/engine';

const COUNTRIES = ['varonia', 'quelt', 'morsk', 'dalvene', 'ostrava', 'pellun', 'tirek', 'zandor', 'elmsy', 'caron'];
const CAPITALS = ['quelmir', 'dastrun', 'hobb', 'ilvane', 'rusk', 'mertola', 'sanje', 'vull', 'orrin', 'tessa'];
const LANGUAGES = ['varic', 'queltish', 'morskan', 'dalish', 'ostran', 'pellic', 'tirean', 'zandic', 'elmish', 'caronese'];
const PEOPLE = ['anna berg', 'tomas lind', 'ida frost', 'karl vance', 'mira holt', 'jon reyes', 'lea stone', 'otto crane'];
const JOBS = ['a pianist', 'a chemist', 'a sailor', 'a judge', 'a poet', 'a surgeon', 'a painter', 'a pilot'];

interface Fact {
  readonly prompt: string;
  readonly target: string;
}

function facts(): Fact[] {
  const out: Fact[] = [];
  COUNTRIES.forEach((c, i) => {
    out.push({ prompt: `the capital of ${c} is`, target: ` ${CAPITALS[i]!}.` });
    out.push({ prompt: `people in ${c} speak`, target: ` ${LANGUAGES[i]!}.` });
  });
  PEOPLE.forEach((p, i) => out.push({ prompt: `${p} works as`, target: ` ${JOBS[i]!}.` }));
  return out;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

async function main(): Promise<void> {
  const arch = arg('arch', 'gpt2') === 'llama' ? 'llama' : 'gpt2';
  const steps = Number(arg('steps', '400'));
  const seed = Number(arg('seed', '1'));
  const backend = await initBackend();
  console.log(`backend: ${backend.name} (${backend.provider}, tfjs ${backend.tfjsVersion}, matmul ${backend.matmul})`);

  const fs = facts();
  const corpus = fs.map((f) => f.prompt + f.target);
  const tok = CharTokenizer.fromTexts(corpus);
  const config: ModelConfig = { arch, vocabSize: tok.vocabSize, dModel: 64, nLayers: 2, nHeads: 4, dMlp: arch === 'gpt2' ? 256 : 172, maxSeq: 48 };
  const model = Transformer.init(config, seed);
  console.log(`model: ${arch}, ${paramCount(config).toLocaleString('en')} parameters; corpus: ${corpus.length} sentences, ${tok.vocabSize} char tokens`);

  const t0 = Date.now();
  const { losses } = train(model, encodeTexts(tok, corpus), {
    lr: 3e-3,
    steps,
    batchSize: 14,
    seed,
    schedule: { warmupSteps: 20, minLrRatio: 0.1 },
    clipNorm: 1,
    onStep: ({ step, loss, lr }) => {
      if (step % 50 === 0 || step === steps - 1) console.log(`step ${String(step).padStart(4)}  loss ${loss.toFixed(4)}  lr ${lr.toExponential(2)}`);
    },
  });
  const secs = (Date.now() - t0) / 1000;
  console.log(`trained ${losses.length} steps in ${secs.toFixed(1)} s (${((1000 * secs) / losses.length).toFixed(0)} ms/step)`);

  const outs = generate(model, tok, fs.map((f) => f.prompt), { maxNewTokens: 14, stop: ['.'] });
  let right = 0;
  fs.forEach((f, i) => {
    const ok = `${outs[i]!}.` === f.target;
    if (ok) right++;
    console.log(`${ok ? 'ok  ' : 'MISS'} ${f.prompt} →${outs[i]!}`);
  });
  console.log(`greedy completions correct: ${right}/${fs.length}`);
  model.dispose();
  if (right < fs.length) process.exitCode = 1;
}

await main();
