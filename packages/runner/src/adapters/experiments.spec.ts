// The committed experiments/ specs against the real registries: each validates, and the published
// schema editors read (experiments/schema.json) is the one this build generates.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';
import { defaultRegistries } from '../defaults';
import { checkSpec, defaultWorkspace } from '../experiment';
import { withBuiltins } from '../builtin-metrics';
import { buildSchema } from '../experiment-spec/schema';
import { stableJson } from '../util/json';
import { SpecError, formatDiagnostic } from '../errors';
import { tmpWorkspace } from '../testing/tmp';
import { configOnlyModelCache } from '../testing/hub-configs';
import { DEFAULT_MODEL_NAMES } from '../pretrain/presets';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const EXP = join(ROOT, 'experiments');
const specs = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? specs(join(dir, e.name)) : e.name.endsWith('.yaml') ? [join(dir, e.name)] : []));

// The presets name Hugging Face models (`model: hf`): validate reads their shapes from a model cache that
// holds their published config.json files (testing/hub-configs.ts), as after `editlab model fetch`.
const modelCache = tmpWorkspace();
process.env['EDITLAB_MODEL_CACHE'] = configOnlyModelCache(modelCache.cwd);
afterAll(() => modelCache.cleanup());

describe('committed experiments', () => {
  const reg = defaultRegistries();
  // A spec may name a default model of the v2 set before its checkpoint is committed (the paper tables'
  // Mistral and Llama-3 stand-ins, docs/default-models.md): "not built" for such a model is its only
  // allowed problem; everything else in the spec is still checked.
  const unbuilt = DEFAULT_MODEL_NAMES.filter((n) => !existsSync(join(ROOT, 'models', n, 'config.json')));
  const notBuilt = (message: string) => unbuilt.some((n) => message.includes(`embedded model '${n}' is not built`) || message.includes(`model checkpoint not found: ${join(ROOT, 'models', n)} `));
  // experiments/real/ names the dev files of ../shared/data beside the repository (the real-data miniature):
  // a clone without them may only lack those files.
  const sharedDataAbsent = (message: string) => !existsSync(join(ROOT, '..', 'shared', 'data')) && /'(\.\.\/)+shared\/data\/[^']+' does not exist/.test(message);
  it.each(specs(EXP).map((f) => relative(ROOT, f)))('%s validates against the built-in registries', (f) => {
    try {
      checkSpec(join(ROOT, f), reg, defaultWorkspace(ROOT));
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      expect(e.diagnostics.filter((d) => !notBuilt(d.message) && !sharedDataAbsent(d.message)).map(formatDiagnostic)).toEqual([]);
    }
  });

  it('a spec extending a preset inherits its model and layers; a layer the real model lacks fails at the param', () => {
    const ws = tmpWorkspace();
    try {
      const base = './presets/qwen2-7b.yaml';
      ws.write({ [base]: readFileSync(join(EXP, base), 'utf8'), 'ok.yaml': `extends: ${base}\nname: t\noutput: t.csv\n`, 'bad.yaml': `extends: ${base}\nname: t\noutput: t.csv\nmethods: [{ method: ft, params: { layer: 28 } }]\n` });
      const spec = checkSpec(join(ws.cwd, 'ok.yaml'), reg, ws);
      expect(spec.methods.map((m) => [m.label, m.params['k'] ?? m.params['layer'], m.params['epsilon'] ?? null])).toEqual([['ForGet', 2, null], ['FT', 27, null], ['FT-c', 27, 5e-5]]);
      expect(() => checkSpec(join(ws.cwd, 'bad.yaml'), reg, ws)).toThrow("ft: param 'layer': layer 28 is out of range: this model has layers 0..27 (model 'Qwen2-7B')");
    } finally {
      ws.cleanup();
    }
  });

  it('experiments/schema.json is up to date (regenerate: npx editlab validate --write-schema)', () => {
    expect(readFileSync(join(EXP, 'schema.json'), 'utf8')).toBe(stableJson(buildSchema(withBuiltins(reg))));
  });
});

describe('the engine methods\' checks in validate (model shapes from config.json)', () => {
  const reg = defaultRegistries();
  const ws = tmpWorkspace();
  afterAll(() => ws.cleanup());
  const errors = (methods: string): string[] => {
    ws.write({
      'spec.yaml': `name: t\noutput: t.csv\nmodels: [{ model: embedded, label: gpt2, params: { name: tiny-gpt2 } }]\ndatasets: [{ dataset: world-counterfact, params: { n: 2 } }]\nmethods:\n${methods}metrics: [efficacy]\n`,
    });
    try {
      checkSpec('spec.yaml', reg, ws);
      return [];
    } catch (e) {
      if (e instanceof SpecError) return e.diagnostics.map(formatDiagnostic);
      throw e;
    }
  };

  it('a layer tiny-gpt2 lacks, ForGet\'s forget-weaker rule and ForGet-u\'s α < 1 fail at their params', () => {
    expect(errors('  - { method: ft, params: { layer: 4 } }\n')).toEqual([
      "spec.yaml:6:36: /methods/0/params/layer: ft: param 'layer': layer 4 is out of range: this model has layers 0..3 (model 'gpt2')",
    ]);
    expect(errors('  - { method: forget, params: { forgetSteps: 30 } }\n')[0]).toMatch(
      /^spec\.yaml:6:46: \/methods\/0\/params\/forgetSteps: forget: param 'forgetSteps': the forget phase must be weaker than the learn phase .* forgetSteps 30 > learnSteps 20/,
    );
    expect(errors('  - { method: forget-u, matrix: { alpha: [0.2, 1] } }\n')).toEqual([
      "spec.yaml:6:42: /methods/0/matrix/alpha: forget-u: param 'alpha': alpha 1 must be < 1: the forgetting term must be weaker than the learning term (ForGet App. B.2) (model 'gpt2')",
    ]);
    expect(errors('  - { method: forget, params: { layers: [1, 3] } }\n')).toEqual([]);
  });
});
