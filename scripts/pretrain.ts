// Pretrain the embedded default models; `editlab pretrain` (packages/runner/src/cli/pretrain-command.ts) takes the same options.
//   node --import tsx scripts/pretrain.ts --model tiny-gpt2 [--out models/tiny-gpt2] [--steps N]
//     [--world-seed 1] [--world-size default|tiny|standin-default] [--facts a.json b.json …] [--fresh] [--eval-limit N]
//   node --import tsx scripts/pretrain.ts --finetune-pistol --base models/tiny-gpt2 --out DIR
// Progress goes to stdout; a killed run resumes from its last saved state (every 200 steps).
import { parseArgs } from 'node:util';
import { DEFAULT_MODEL_NAMES, finetunePistol, pretrainDefault, type DefaultModelName } from '@editlab/runner';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    model: { type: 'string' },
    out: { type: 'string' },
    'work-dir': { type: 'string' },
    steps: { type: 'string' },
    'world-seed': { type: 'string' },
    'world-size': { type: 'string' },
    facts: { type: 'string', multiple: true },
    fresh: { type: 'boolean' },
    'eval-limit': { type: 'string' },
    'finetune-pistol': { type: 'boolean' },
    base: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

function int(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} must be a non-negative integer, got '${v}'`);
    process.exit(2);
  }
  return n;
}

const command = `node --import tsx scripts/pretrain.ts ${process.argv.slice(2).join(' ')}`;
if (values.help) {
  console.log(`usage: node --import tsx scripts/pretrain.ts --model <${DEFAULT_MODEL_NAMES.join('|')}> [--out DIR] [--steps N]
         [--world-seed N] [--world-size default|tiny|standin-default|standin-tiny] [--facts FILE…] [--fresh] [--eval-limit N]
       node --import tsx scripts/pretrain.ts --finetune-pistol --base <checkpoint dir> --out DIR`);
  process.exit(0);
}
try {
  if (values['finetune-pistol']) {
    if (!values.base || !values.out) throw new Error('--finetune-pistol needs --base <checkpoint dir> and --out <dir>');
    const r = await finetunePistol({ baseDir: values.base, outDir: values.out, command });
    console.log(`PISTOL finetune: ROUGE-1 recall ${r.rouge1Recall.toFixed(4)} on ${r.n} questions after ${r.steps} steps; world facts ${r.knowledge.after.toFixed(4)} (base ${r.knowledge.before.toFixed(4)}) → ${r.dir}`);
  } else {
    const model = values.model as DefaultModelName | undefined;
    if (!model || !DEFAULT_MODEL_NAMES.includes(model)) throw new Error(`--model must be one of ${DEFAULT_MODEL_NAMES.join(', ')}`);
    const facts = [...(values.facts ?? []), ...positionals];
    const steps = int('steps', values.steps);
    await pretrainDefault({
      model,
      outDir: values.out,
      workDir: values['work-dir'],
      worldSeed: int('world-seed', values['world-seed']),
      worldSize: values['world-size'],
      facts: facts.length ? facts : undefined,
      schedule: steps !== undefined ? { steps } : undefined,
      fresh: values.fresh,
      evalLimit: int('eval-limit', values['eval-limit']),
      command,
    });
  }
} catch (e) {
  const err = e as { code?: string; message?: string };
  console.error(`pretrain: ${err.code ? `[${err.code}] ` : ''}${err.message ?? String(e)}`);
  process.exit(1);
}
