// Property-based tests (fast-check, issue 19): `validate` on random YAML and on random mutations of
// every committed spec (experiments/**/*.yaml) ends in success or in located one-line diagnostics —
// never a TypeError, a RangeError or another uncaught exception. Seeds are fixed, runs are few, so
// the suite stays deterministic and takes seconds.
import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { defaultRegistries } from '../defaults';
import { checkSpec } from '../experiment';
import { SpecError } from '../errors';
import { tmpWorkspace } from '../testing/tmp';
import { configOnlyModelCache } from '../testing/hub-configs';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const EXP = join(ROOT, 'experiments');
const SHARED_DATA = join(ROOT, '..', 'shared', 'data');
const specs = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? specs(join(dir, e.name)) : e.name.endsWith('.yaml') ? [join(dir, e.name)] : []));

const reg = defaultRegistries();
const ws = tmpWorkspace();
// The presets name Hugging Face models: their published config.json files stand in for a fetched cache.
process.env['EDITLAB_MODEL_CACHE'] = configOnlyModelCache(join(ws.cwd, 'model-cache'));
afterAll(() => ws.cleanup());
cpSync(EXP, join(ws.cwd, 'experiments'), { recursive: true });

/** Validate `text` written at `rel`: true when valid; a SpecError must be located and one line per problem. */
function validates(rel: string, text: string): boolean {
  writeFileSync(join(ws.cwd, rel), text);
  try {
    checkSpec(rel, reg, ws);
    return true;
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    expect(e.diagnostics.length).toBeGreaterThan(0);
    for (const d of e.diagnostics) {
      expect(d.pos.line).toBeGreaterThanOrEqual(1);
      expect(d.pos.col).toBeGreaterThanOrEqual(1);
      expect(d.pos.file).not.toBe('');
      expect(d.message).not.toMatch(/\n|^\s*$|\bat .*:\d+:\d+\)/);
    }
    return false;
  }
}

const YAML_CHARS = [...'abcnlmo:-,[]{}&*!|>\'"#%@`?. 0123456789\n\t\\'];
const yamlish = fc.array(fc.constantFrom(...YAML_CHARS), { maxLength: 160 }).map((cs) => cs.join(''));
/** Any value, numbers included (stringify writes .inf/.nan/-0), strings with control characters too. */
const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.double(),
  fc.constantFrom(null, true, '', '\u0000', '../../x.csv', 1e309, -1, 0, 2 ** 53),
  fc.array(fc.oneof(fc.integer(), fc.double(), fc.string()), { maxLength: 5 }),
);

/** Replace (or delete, with `undefined`) the value at a path chosen by `picks` in a parsed document. */
function replaceAt(doc: unknown, picks: readonly number[], value: unknown): unknown {
  if (!picks.length || doc === null || typeof doc !== 'object') return value;
  const keys = Object.keys(doc);
  if (!keys.length) return value;
  const k = keys[picks[0]! % keys.length]!;
  const copy: Record<string, unknown> = Array.isArray(doc) ? ({ ...doc } as Record<string, unknown>) : { ...(doc as Record<string, unknown>) };
  copy[k] = replaceAt((doc as Record<string, unknown>)[k], picks.slice(1), value);
  return Array.isArray(doc) ? Object.keys(copy).sort((a, b) => Number(a) - Number(b)).map((i) => copy[i]) : copy;
}

describe('validate never crashes (fast-check)', () => {
  it('on random YAML-like text', () => {
    fc.assert(fc.property(yamlish, (text) => void validates('random.yaml', text)), { numRuns: 80, seed: 19 });
  });

  it('on random YAML documents of random values', () => {
    fc.assert(fc.property(fc.dictionary(fc.constantFrom('name', 'output', 'models', 'methods', 'datasets', 'metrics', 'run', 'extends', 'x'), anyValue), (v) => void validates('doc.yaml', stringify(v))), { numRuns: 40, seed: 19 });
  });

  for (const file of specs(EXP)) {
    const rel = relative(ROOT, file);
    // experiments/real/ names ../shared/data beside the repository: in the copy those paths are made absolute,
    // and where the folder is absent (a clean clone) the unmutated spec is not expected to validate.
    const original = readFileSync(file, 'utf8');
    const text = original.replace(/(\.\.\/)+shared\/data\//g, `${SHARED_DATA}/`);
    it(`on text mutations of ${rel}`, () => {
      if (text === original || existsSync(SHARED_DATA)) expect(validates(rel, text)).toBe(true);
      const edit = fc.record({ at: fc.nat({ max: text.length }), del: fc.nat({ max: 4 }), ins: fc.array(fc.constantFrom(...YAML_CHARS), { maxLength: 4 }) });
      fc.assert(
        fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
          let t = text;
          for (const e of edits) t = t.slice(0, e.at) + e.ins.join('') + t.slice(e.at + e.del);
          validates(rel, t);
        }),
        { numRuns: 15, seed: 19 },
      );
      writeFileSync(join(ws.cwd, rel), text);
    });
    it(`on value mutations of ${rel}`, () => {
      const doc = parse(text) as unknown;
      fc.assert(
        fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), anyValue, (picks, value) => void validates(rel, stringify(replaceAt(doc, picks, value)))),
        { numRuns: 15, seed: 19 },
      );
      writeFileSync(join(ws.cwd, rel), text);
    });
  }
});
