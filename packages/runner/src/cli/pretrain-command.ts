// editlab pretrain: trains the embedded default models of a preset set (--set v1, the committed
// checkpoints, or v2, issue 13's retrain on world version 2) on the synthetic world (or on the true facts
// of real dataset files, --facts), one model (--model NAME) or all of the set in turn (--model all), or
// finetunes one on the world's PISTOL contracts (--finetune-pistol). The pipeline is src/pretrain/
// (docs/default-models.md); progress goes to stdout, and a killed run resumes from its last saved state
// when the command is rerun (with --model all, each model resumes from its own state: a finished one
// reloads its final state, is evaluated and rewritten without training, and the interrupted one goes on).
import { join, resolve } from 'node:path';
import { UsageError } from '../errors';
import { pretrainDefault } from '../pretrain/default-parts';
import { finetunePistol } from '../pretrain/finetune';
import { DEFAULT_MODEL_NAMES, DEFAULT_PRESET_SET, modelPreset, PRESET_SET_NAMES, PRESET_SETS, type DefaultModelName } from '../pretrain/presets';
import { hintFor } from '../util/suggest';
import { int, oneOf, parse, str } from './args';
import { EXIT, type Io } from './io';

export async function pretrainCmd(argv: readonly string[], io: Io): Promise<number> {
  const p = parse('pretrain', argv, {
    model: { type: 'string' }, set: { type: 'string' }, out: { type: 'string' }, 'work-dir': { type: 'string' }, steps: { type: 'string' },
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
  const set = oneOf('set', str(p, 'set'), PRESET_SET_NAMES) ?? DEFAULT_PRESET_SET;
  const names = PRESET_SETS[set].names;
  const model = str(p, 'model');
  if (!model || (model !== 'all' && !(names as readonly string[]).includes(model))) {
    // A model of another set: modelPreset's message names the set to pass.
    if (model && (DEFAULT_MODEL_NAMES as readonly string[]).includes(model)) modelPreset(set, model);
    const hint = model ? hintFor(model, [...names, 'all']) : undefined;
    throw new UsageError(`pretrain: --model must be one of ${names.join(', ')} or all (preset set ${set})${model ? `, got '${model}'` : ''}${hint ? ` (${hint})` : ''}`);
  }
  const models: readonly DefaultModelName[] = model === 'all' ? names : [model as DefaultModelName];
  const facts = [...((p.values['facts'] as string[] | undefined) ?? []), ...p.positionals].map((f) => path(f)!);
  const steps = int(p, 'steps', 1);
  // With several models, --out and --work-dir are parents of one folder per model.
  const dirFor = (flag: 'out' | 'work-dir', name: DefaultModelName) => {
    const v = str(p, flag);
    return v === undefined ? undefined : models.length > 1 ? join(path(v)!, name) : path(v)!;
  };
  for (const name of models) {
    const r = await pretrainDefault({
      model: name,
      set,
      ...(dirFor('out', name) ? { outDir: dirFor('out', name)! } : {}),
      ...(dirFor('work-dir', name) ? { workDir: dirFor('work-dir', name)! } : {}),
      ...(int(p, 'world-seed', 0) !== undefined ? { worldSeed: int(p, 'world-seed', 0)! } : {}),
      ...(str(p, 'world-size') ? { worldSize: str(p, 'world-size')! } : {}),
      ...(facts.length ? { facts } : {}),
      ...(steps !== undefined ? { schedule: { steps } } : {}),
      ...(p.values['fresh'] === true ? { fresh: true } : {}),
      ...(int(p, 'eval-limit', 1) !== undefined ? { evalLimit: int(p, 'eval-limit', 1)! } : {}),
      log: (l) => io.out(l),
      command: models.length > 1 ? `editlab pretrain ${commandFor(argv, name).join(' ')}` : command,
    });
    io.out(r.complete ? `pretrained ${name} → ${r.dir} (weights sha256 ${r.weightsSha256.slice(0, 12)})` : `stopped at step ${r.step}; state in ${r.statePath} (rerun to resume)`);
    if (!r.complete) return EXIT.ok;
  }
  return EXIT.ok;
}


/** The command line that trains one model of `--model all`: its name, and its folder under --out / --work-dir. */
export function commandFor(argv: readonly string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = /^--(model|out|work-dir)=(.*)$/.exec(a);
    const flag = eq?.[1] ?? (/^--(model|out|work-dir)$/.exec(a)?.[1]);
    if (!flag) {
      out.push(a);
      continue;
    }
    const value = eq ? eq[2]! : argv[++i] ?? '';
    out.push(`--${flag}`, flag === 'model' ? name : join(value, name));
  }
  return out;
}
