// Hostile specs (issue 19): every one ends in located, one-line diagnostics — never a stack
// overflow, an exhausted heap or an unbounded plan.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { planExperiment } from '../experiment';
import type { DatasetEntry, ModelEntry, Registries } from '../registries';
import { fakeRegistries } from '../testing/fakes';
import { tmpWorkspace, BASE_SPEC } from '../testing/tmp';
import { specErrors } from '../testing/spec-errors';
import { MAX_CELLS, MAX_DEPTH, MAX_DIAGNOSTICS, MAX_ROWS, MAX_SPEC_BYTES } from './limits';

const fakes = fakeRegistries();
const facts = fakes.datasets.get('facts')!;
const table = fakes.models.get('table')!;
/** The fakes plus a dataset read from a file and a model read from a directory, both required params. */
const reg: Registries = {
  ...fakes,
  datasets: new Map<string, DatasetEntry>([...fakes.datasets, ['file-facts', { ...facts, id: 'file-facts', paths: { path: 'file' }, paramsSchema: { type: 'object', required: ['path'], properties: { path: { type: 'string', minLength: 1 } } } }]]),
  models: new Map<string, ModelEntry>([...fakes.models, ['dir-table', { ...table, id: 'dir-table', paths: { dir: 'directory' }, paramsSchema: { type: 'object', required: ['dir'], properties: { dir: { type: 'string', minLength: 1 } } } }]]),
};
const ws = tmpWorkspace();
afterAll(() => ws.cleanup());

const errorsOf = specErrors(reg, ws);

describe('bounded input', () => {
  it(`a file over ${MAX_SPEC_BYTES} bytes is refused before it is read (a 20 MB flow list)`, () => {
    const big = 'name: big\nx: [' + '1, '.repeat(700_000) + '1]\n';
    expect(errorsOf({ 'big.yaml': big }, 'big.yaml')).toEqual([`big.yaml:1:1: /: spec file is ${big.length} bytes; at most 131072 bytes (128 KiB) are read`]);
  });

  it('deep flow nesting is refused at the bracket that goes too deep (no stack overflow)', () => {
    const deep = 'name: deep\nx: ' + '['.repeat(60_000) + ']'.repeat(60_000) + '\n';
    expect(errorsOf({ 'deep.yaml': deep }, 'deep.yaml')).toEqual([`deep.yaml:2:${3 + MAX_DEPTH}: /: nesting deeper than 64 levels; at most 64 nested mappings and lists are allowed`]);
  });

  it('deep block nesting (indentation, `- - -`) is refused too', () => {
    const block = 'name: deep\nx:\n' + Array.from({ length: 400 }, (_x, i) => ' '.repeat(i + 1) + 'a:\n').join('');
    expect(errorsOf({ 'block.yaml': block }, 'block.yaml')[0]).toMatch(/^block\.yaml:66:\d+: \/: nesting deeper than 64 levels/);
    const dashes = 'name: deep\nx:\n  ' + '- '.repeat(60_000) + '1\n';
    expect(errorsOf({ 'dashes.yaml': dashes }, 'dashes.yaml')[0]).toMatch(/^dashes\.yaml:3:\d+: \/: nesting deeper than 64 levels/);
  });

  it('nesting as deep as real specs, brackets in strings, comments and block scalars are fine', () => {
    const ok = BASE_SPEC.replace('name: fake', 'name: fake\ndescription: |\n  [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n# [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n');
    expect(errorsOf({ 'ok.yaml': ok + 'plots: [{ kind: bar, metrics: [score], output: "a[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[.svg" }]\n' }, 'ok.yaml')).toEqual([]);
  });

  it(`a matrix of 10^9 combinations is refused in validate, counted without expanding (limit ${MAX_ROWS} rows)`, () => {
    const values = Array.from({ length: 1000 }, (_x, i) => i + 1);
    const spec = BASE_SPEC.replace('method: table-ft', `method: table-ft\n    matrix: { lr: [${values.map((v) => v / 1e4).join(', ')}], delayMs: [${values.join(', ')}], paraphrase: [true, false] }`);
    const [msg] = errorsOf({ 'sweep.yaml': spec }, 'sweep.yaml');
    expect(msg).toBe('sweep.yaml:10:13: /methods/0/matrix: the spec plans 2000000 table rows (models × datasets × method variants × protocols, matrices expanded); at most 10000 are allowed (split the sweep over several specs)');
  });

  it(`a plan of more than ${MAX_CELLS} cell tasks is refused before its cells are built, at run.chunk`, async () => {
    ws.write({ 'cells.yaml': BASE_SPEC.replace('{ n: 12 }', '{ n: 300000 }').replace('run: { chunk: 4 }', 'run: { chunk: 1 }') });
    await expect(planExperiment('cells.yaml', reg, ws)).rejects.toThrow(`cells.yaml:11:15: /run/chunk: the spec plans 300000 cell tasks (rows × record chunks); at most ${MAX_CELLS} are allowed (raise run.chunk or evaluate fewer records)`);
  });
});

describe('values a schema cannot check', () => {
  const method = (extra: string) => BASE_SPEC.replace('method: table-ft', `method: table-ft\n    ${extra}`);
  it('duplicate values in a matrix axis (they would give identical rows), 1e-3 and 0.001 included', () => {
    expect(errorsOf({ 'dup.yaml': method('matrix: { lr: [1e-3, 0.5, 0.001] }') }, 'dup.yaml')).toEqual([
      "dup.yaml:10:31: /methods/0/matrix/lr/2: duplicate value 0.001 in matrix 'lr' (also item 0); it would give two identical rows (list each value once)",
    ]);
  });

  it('NUL and control characters in output paths', () => {
    expect(errorsOf({ 'nul.yaml': BASE_SPEC.replace('output: fake.csv', 'output: "a\\0b.csv"') }, 'nul.yaml')).toEqual([
      'nul.yaml:2:9: /output: output path contains the control character U+0000 (NUL); file names may not contain control characters',
    ]);
    expect(errorsOf({ 'bel.yaml': BASE_SPEC + 'plots: [{ kind: bar, metrics: [score], output: "f\\tg.svg" }]\n' }, 'bel.yaml')).toEqual([
      'bel.yaml:12:48: /plots/0/output: output path contains the control character U+0009; file names may not contain control characters',
    ]);
  });

  it('.inf, .nan and 1e309 say "must be a finite number", also where the schema has no type', () => {
    expect(errorsOf({ 'inf.yaml': method('params: { lr: .inf, delayMs: .nan }') + 'description: 1e309\n' }, 'inf.yaml')).toEqual([
      'inf.yaml:10:19: /methods/0/params/lr: must be a finite number, got .inf (YAML .inf/.nan and numbers beyond ±1.8e308 are not finite)',
      'inf.yaml:10:34: /methods/0/params/delayMs: must be a finite number, got .nan (YAML .inf/.nan and numbers beyond ±1.8e308 are not finite)',
      'inf.yaml:13:14: /description: must be a finite number, got .inf (YAML .inf/.nan and numbers beyond ±1.8e308 are not finite)',
    ]);
  });

  it('an undefined alias is reported as undefined, not as an alias bomb', () => {
    expect(errorsOf({ 'alias.yaml': BASE_SPEC + 'description: *nope\n' }, 'alias.yaml')).toEqual(["alias.yaml:12:14: /: undefined YAML alias '*nope': no anchor '&nope' is set before it"]);
  });

  it('required params are enforced when `params:` is omitted', () => {
    expect(errorsOf({ 'req.yaml': BASE_SPEC.replace("dataset: facts\n    params: { n: 12 }", 'dataset: file-facts') }, 'req.yaml')).toEqual([
      "req.yaml:6:5: /datasets/0/params: missing required key 'path'",
    ]);
  });
});

describe('referenced files', () => {
  it('a dataset file or checkpoint directory that does not exist is reported at its value', () => {
    ws.write({ 'refs/data.json': '[]', 'refs/ckpt/config.json': '{}' });
    const spec = BASE_SPEC.replace('model: table', 'model: dir-table\n    params: { dir: ./nockpt }').replace("dataset: facts\n    params: { n: 12 }", 'dataset: file-facts\n    matrix: { path: [./data.json, ./none.json, ./ckpt] }');
    const errors = errorsOf({ 'refs/spec.yaml': spec }, 'refs/spec.yaml');
    const dir = join(ws.cwd, 'refs');
    expect(errors).toEqual([
      `refs/spec.yaml:5:20: /models/0/params/dir: './nockpt' does not exist (${dir}/nockpt) (dir is relative to ${dir})`,
      `refs/spec.yaml:8:35: /datasets/0/matrix/path/1: './none.json' does not exist (${dir}/none.json) (path is relative to ${dir})`,
      `refs/spec.yaml:8:48: /datasets/0/matrix/path/2: './ckpt' is a directory, not a file (${dir}/ckpt) (path is relative to ${dir})`,
    ]);
    expect(errorsOf({ 'refs/ok.yaml': spec.replace('./nockpt', './ckpt').replace(', ./none.json, ./ckpt', '') }, 'refs/ok.yaml')).toEqual([]);
  });
});

describe('extends stays inside the spec root', () => {
  it('refuses a file that is not .yaml/.yml (../../etc/passwd)', () => {
    expect(errorsOf({ 'e1/a.yaml': 'extends: ../../../../../../../../etc/passwd\nname: a\n' }, 'e1/a.yaml')).toEqual([
      "e1/a.yaml:1:10: /extends: cannot extend '../../../../../../../../etc/passwd': must name a .yaml or .yml spec file, got 'no extension'",
    ]);
  });

  it('refuses a spec outside the directory of the spec when there is no repository, also through a symlink', () => {
    ws.write({ 'e2/base.yaml': BASE_SPEC, 'e2/sub/child.yaml': 'extends: ../base.yaml\nname: child\n', 'e2/sub/link.yaml': 'extends: ./inside.yaml\nname: link\n' });
    symlinkSync(join(ws.cwd, 'e2/base.yaml'), join(ws.cwd, 'e2/sub/inside.yaml'));
    expect(errorsOf({}, 'e2/sub/child.yaml')[0]).toMatch(/^e2\/sub\/child\.yaml:1:10: \/extends: cannot extend '\.\.\/base\.yaml': resolves to .*e2\/base\.yaml, outside .*e2\/sub \(extends may only name specs inside the spec's repository, or its directory when it is in none\)$/);
    expect(errorsOf({}, 'e2/sub/link.yaml')[0]).toMatch(/cannot extend '\.\/inside\.yaml': resolves to .*e2\/base\.yaml, outside/);
  });

  it('allows any spec inside the repository (a directory with .git) that holds the spec', () => {
    mkdirSync(join(ws.cwd, 'e3/.git'), { recursive: true });
    writeFileSync(join(ws.cwd, 'outside.yaml'), BASE_SPEC);
    ws.write({ 'e3/base.yml': BASE_SPEC, 'e3/deep/child.yaml': 'extends: ../base.yml\nname: child\n', 'e3/deep/out.yaml': 'extends: ../../outside.yaml\nname: out\n' });
    expect(errorsOf({}, 'e3/deep/child.yaml')).toEqual([]);
    expect(errorsOf({}, 'e3/deep/out.yaml')[0]).toMatch(/cannot extend '\.\.\/\.\.\/outside\.yaml': resolves to .*outside\.yaml, outside .*e3 /);
  });
});

describe('many problems', () => {
  it(`at most ${MAX_DIAGNOSTICS} are listed, then a count of the rest`, () => {
    const values = Array.from({ length: 120 }, (_x, i) => i + 2);
    const errors = errorsOf({ 'many.yaml': BASE_SPEC.replace('method: table-ft', `method: table-ft\n    matrix: { lr: [${values.map((v) => `x${v}`).join(', ')}] }`) }, 'many.yaml');
    expect(errors).toHaveLength(MAX_DIAGNOSTICS + 1);
    expect(errors[0]).toMatch(/^many\.yaml:10:20: \/methods\/0\/matrix\/lr\/0: must be number, got string "x2"$/);
    expect(errors[MAX_DIAGNOSTICS]).toMatch(/^many\.yaml:10:\d+: \/: … and 70 more problem\(s\); at most 50 are listed$/);
  });
});
