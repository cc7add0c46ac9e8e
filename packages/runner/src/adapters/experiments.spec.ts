// The committed experiments/ specs against the real registries: each validates, and the published
// schema editors read (experiments/schema.json) is the one this build generates.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';
import { defaultRegistries } from '../defaults';
import { checkSpec, defaultWorkspace } from '../experiment';
import { withBuiltins } from '../builtin-metrics';
import { buildSchema } from '../experiment-spec/schema';
import { stableJson } from '../util/json';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const EXP = join(ROOT, 'experiments');
const specs = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? specs(join(dir, e.name)) : e.name.endsWith('.yaml') ? [join(dir, e.name)] : []));

describe('committed experiments', () => {
  const reg = defaultRegistries();
  it.each(specs(EXP).map((f) => relative(ROOT, f)))('%s validates against the built-in registries', (f) => {
    expect(() => checkSpec(join(ROOT, f), reg, defaultWorkspace(ROOT))).not.toThrow();
  });

  it('experiments/schema.json is up to date (regenerate: npx editlab validate --write-schema)', () => {
    expect(readFileSync(join(EXP, 'schema.json'), 'utf8')).toBe(stableJson(buildSchema(withBuiltins(reg))));
  });
});
