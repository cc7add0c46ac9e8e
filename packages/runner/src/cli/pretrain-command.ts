// editlab pretrain: trains an embedded default model (tiny-gpt2 | tiny-llama) on the synthetic world
// (or on the true facts of real dataset files, --facts), or finetunes one on the world's PISTOL
// contracts (--finetune-pistol). The pipeline is src/pretrain/ (docs/default-models.md); progress
// goes to stdout, and a killed run resumes from its last saved state when the command is rerun.
import { resolve } from 'node:path';
import { UsageError } from '../errors';
import { pretrainDefault } from '../pretrain/default-parts';
import { finetunePistol } from '../pretrain/finetune';
import { DEFAULT_MODEL_NAMES, type DefaultModelName } from '../pretrain/presets';
import { hintFor } from '../util/suggest';
import { int, parse, str } from './args';
import { EXIT, type Io } from './io';

export async function pretrainCmd(argv: readonly string[], io: Io): Promise<number> {
  const p = parse('pretrain', argv, {
    model: { type: 'string' }, out: { type: 'string' }, 'work-dir': { type: 'string' }, steps: { type: 'string' },
    'world-seed': { type: 'string' }, 'world-size': { type: 'string' }, facts: { type: 'string', multiple: true },
    fresh: { type: 'boolean' }, 'eval-limit': { type: 'string' }, 'finetune-pistol': { type: 'boolean' }, base: { type: 'string' },
  });
  const command = `editlab pretrain ${argv.join(' ')}`.trim();
  const path = (v: string | undefined) => (v === undefined ? undefined : resolve(io.cwd, v));
  if (p.values['finetune-pistol'] === true) {
    const base = str(p, 'base');
    const out = str(p, 'out');
    if (!base || !out) throw new UsageError('pretrain --finetune-pistol needs --base <checkpoint dir> and --out <dir>');
    const r = await finetunePistol({ baseDir: path(base)!, outDir: path(out)!, command, log: (l) => io.out(l) });
    io.out(`PISTOL finetune: ROUGE-1 recall ${r.rouge1Recall.toFixed(4)} on ${r.n} questions after ${r.steps} steps → ${r.dir}`);
    return EXIT.ok;
  }
  const model = str(p, 'model');
  if (!model || !(DEFAULT_MODEL_NAMES as readonly string[]).includes(model)) {
    const hint = model ? hintFor(model, DEFAULT_MODEL_NAMES) : undefined;
    throw new UsageError(`pretrain: --model must be one of ${DEFAULT_MODEL_NAMES.join(', ')}${model ? `, got '${model}'` : ''}${hint ? ` (${hint})` : ''}`);
  }
  const facts = [...((p.values['facts'] as string[] | undefined) ?? []), ...p.positionals].map((f) => path(f)!);
  const steps = int(p, 'steps', 1);
  const r = await pretrainDefault({
    model: model as DefaultModelName,
    ...(str(p, 'out') ? { outDir: path(str(p, 'out'))! } : {}),
    ...(str(p, 'work-dir') ? { workDir: path(str(p, 'work-dir'))! } : {}),
    ...(int(p, 'world-seed', 0) !== undefined ? { worldSeed: int(p, 'world-seed', 0)! } : {}),
    ...(str(p, 'world-size') ? { worldSize: str(p, 'world-size')! } : {}),
    ...(facts.length ? { facts } : {}),
    ...(steps !== undefined ? { schedule: { steps } } : {}),
    ...(p.values['fresh'] === true ? { fresh: true } : {}),
    ...(int(p, 'eval-limit', 1) !== undefined ? { evalLimit: int(p, 'eval-limit', 1)! } : {}),
    log: (l) => io.out(l),
    command,
  });
  io.out(r.complete ? `pretrained ${model} → ${r.dir} (weights sha256 ${r.weightsSha256.slice(0, 12)})` : `stopped at step ${r.step}; state in ${r.statePath} (rerun to resume)`);
  return EXIT.ok;
}
