// Every YAML example in the documentation (```yaml blocks of README.md, docs/*.md, the package
// READMEs, results/ and bench/ READMEs) is a spec that validates against the built-in registries.
// A block is written into a copy of experiments/ and checked in each of its directories (an example
// that `extends: ./base.yaml` is one of experiments/forget/), and passes when it validates in one.
import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';
import { defaultRegistries } from '../defaults';
import { checkSpec } from '../experiment';
import { SpecError } from '../errors';
import { tmpWorkspace } from '../testing/tmp';
import { configOnlyModelCache } from '../testing/hub-configs';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const ws = tmpWorkspace();
afterAll(() => ws.cleanup());
cpSync(join(ROOT, 'experiments'), join(ws.cwd, 'experiments'), { recursive: true });
process.env['EDITLAB_MODEL_CACHE'] = configOnlyModelCache(join(ws.cwd, 'model-cache'));
const reg = defaultRegistries();

const md = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.md')).map((f) => join(dir, f)) : []);
const DOCS = [
  join(ROOT, 'README.md'), ...md(join(ROOT, 'docs')), join(ROOT, 'results/README.md'), join(ROOT, 'bench/README.md'),
  ...readdirSync(join(ROOT, 'packages')).map((p) => join(ROOT, 'packages', p, 'README.md')),
].filter(existsSync);

/** The ```yaml blocks of a Markdown file with the line each starts on. */
function yamlBlocks(text: string): { line: number; body: string }[] {
  const out: { line: number; body: string }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*```ya?ml\s*$/.test(lines[i]!)) continue;
    const start = i + 1;
    let j = start;
    while (j < lines.length && !/^\s*```\s*$/.test(lines[j]!)) j++;
    out.push({ line: start + 1, body: lines.slice(start, j).join('\n') + '\n' });
    i = j;
  }
  return out;
}

const DIRS = ['experiments', 'experiments/forget', 'experiments/tuning', 'experiments/presets'];

/** [] when the block validates in one of DIRS; else the problems in the first directory its `extends:` resolves in. */
function problems(body: string): string[] {
  let first: string[] | undefined;
  for (const d of DIRS) {
    const rel = join(d, '_doc-example.yaml');
    writeFileSync(join(ws.cwd, rel), body);
    try {
      checkSpec(rel, reg, ws);
      return [];
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      const msgs = e.message.split('\n');
      if (!first || (first.some((m) => m.includes('/extends:')) && !msgs.some((m) => m.includes('/extends:')))) first = msgs;
    }
  }
  return first!;
}

const blocks = DOCS.flatMap((f) => yamlBlocks(readFileSync(f, 'utf8')).map((b) => ({ ...b, where: `${relative(ROOT, f)}:${b.line}` })));

describe('YAML examples in the documentation', () => {
  it('finds the examples (README.md and the runner README have one each at least)', () => {
    expect(blocks.filter((b) => b.where.startsWith('README.md:')).length).toBeGreaterThanOrEqual(1);
    expect(blocks.filter((b) => b.where.startsWith('packages/runner/README.md:')).length).toBeGreaterThanOrEqual(1);
    expect(yamlBlocks('x\n```yaml\na: 1\n```\n```yml\nb: 2\n```\n')).toEqual([{ line: 3, body: 'a: 1\n' }, { line: 6, body: 'b: 2\n' }]);
  });

  it.each(blocks.map((b) => [b.where, b.body]))('%s validates', (_where, body) => {
    expect(problems(body)).toEqual([]);
  });
});
