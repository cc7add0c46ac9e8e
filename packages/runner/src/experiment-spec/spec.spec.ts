import { afterAll, describe, expect, it } from 'vitest';
import { checkSpec } from '../experiment';
import { SpecError, formatDiagnostic } from '../errors';
import { fakeRegistries } from '../testing/fakes';
import { tmpWorkspace, BASE_SPEC } from '../testing/tmp';
import { specErrors } from '../testing/spec-errors';
import { buildSchema } from './schema';
import { compileSchema } from './validate';

const reg = fakeRegistries();
const ws = tmpWorkspace();
afterAll(() => ws.cleanup());

const errorsOf = specErrors(reg, ws);

describe('malformed specs are rejected with file:line:col, path, message and a hint', () => {
  const cases: Array<[name: string, text: string, expected: string[]]> = [
    ['unknown top-level key', BASE_SPEC + 'outptu: x.csv\n', ["unknown.yaml:12:1: /outptu: unknown key 'outptu' (did you mean 'output'?)"]],
    ['wrong type', BASE_SPEC.replace('{ n: 12 }', '{ n: twelve }'), ['wrong-type.yaml:7:18: /datasets/0/params/n: must be integer, got string "twelve"']],
    ['misspelled method', BASE_SPEC.replace('method: table-ft', 'method: tabel-ft'), ['misspelled-method.yaml:9:13: /methods/0/method: string "tabel-ft" is not allowed (did you mean \'table-ft\'?)']],
    ['unknown method param', BASE_SPEC.replace('method: table-ft', 'method: table-ft\n    params: { lrr: 0.1 }'), ["unknown-param.yaml:10:15: /methods/0/params/lrr: unknown key 'lrr' (did you mean 'lr'?)"]],
    ['unknown metric', BASE_SPEC.replace('locality, score', 'localty, score'), ["unknown-metric.yaml:10:37: /metrics/2: string \"localty\" is not allowed (did you mean 'locality'?)"]],
    ['missing required key', BASE_SPEC.replace('output: fake.csv\n', ''), ["missing-output.yaml:1:1: /: missing required key 'output'"]],
    ['sequential protocol without T', BASE_SPEC + 'protocols: [{ kind: sequential }]\n', ["no-T.yaml:12:13: /protocols/0: missing required key 'T'"]],
    ['batch size on a single protocol', BASE_SPEC + 'protocols: [{ kind: single, size: 3 }]\n', ["single-size.yaml:12:29: /protocols/0/size: key 'size' is not allowed here"]],
    ['evalEach on a batch protocol', BASE_SPEC + 'protocols: [{ kind: batch, size: 2, evalEach: true }]\n', ["batch-each.yaml:12:37: /protocols/0/evalEach: key 'evalEach' is not allowed here"]],
    ['unlearn in batches without a size', BASE_SPEC + 'protocols: [{ kind: unlearn, apply: batch }]\n', ["unlearn-nosize.yaml:12:13: /protocols/0: missing required key 'size'"]],
    ['a size on a whole-set unlearn', BASE_SPEC + 'protocols: [{ kind: unlearn, size: 4 }]\n', ["unlearn-size.yaml:12:30: /protocols/0/size: key 'size' is not allowed here"]],
    ['unknown unlearn apply', BASE_SPEC + 'protocols: [{ kind: unlearn, apply: sequentially }]\n', ["unlearn-apply.yaml:12:37: /protocols/0/apply: string \"sequentially\" is not allowed (did you mean 'sequential'?)"]],
    ['output escaping results/', BASE_SPEC.replace('output: fake.csv', 'output: ../../etc/x.csv'), ["escape.yaml:2:9: /output: output '../../etc/x.csv' escapes the results directory (use a path like tables/t1.csv)"]],
    ['absolute output', BASE_SPEC.replace('output: fake.csv', 'output: /tmp/x.csv'), ["absolute.yaml:2:9: /output: output '/tmp/x.csv' escapes the results directory (use a path like tables/t1.csv)"]],
    ['matrix key misspelled', BASE_SPEC.replace('method: table-ft', 'method: table-ft\n    matrix: { lrate: [0.1, 0.2] }'), ["matrix-key.yaml:10:15: /methods/0/matrix/lrate: unknown key 'lrate' (allowed: delayMs, failOn, lr, paraphrase)"]],
    ['matrix value of the wrong type', BASE_SPEC.replace('method: table-ft', 'method: table-ft\n    matrix: { lr: [0.1, fast] }'), ['matrix-type.yaml:10:25: /methods/0/matrix/lr/1: must be number, got string "fast"']],
    ['swept and fixed at once', BASE_SPEC.replace('method: table-ft', 'method: table-ft\n    params: { lr: 0.5 }\n    matrix: { lr: [0.1] }'), ["both.yaml:11:15: /methods/0/matrix/lr: 'lr' is both fixed in params and swept in matrix (keep one of them)"]],
    ['unknown metric param', BASE_SPEC.replace('score]', 'score, { metric: nll, params: { targte: new } }]'), ["metric-param.yaml:10:79: /metrics/4/params/targte: unknown key 'targte' (did you mean 'target'?)"]],
    ['metric param value not allowed', BASE_SPEC.replace('score]', 'score, { metric: nll, params: { target: old } }]'), ['metric-value.yaml:10:87: /metrics/4/params/target: string "old" is not allowed (allowed: new, true)']],
    ['two metric columns with one name', BASE_SPEC.replace('score]', 'score, { metric: nll, label: score }]'), ["metric-dup.yaml:10:54: /metrics/4: metric column 'score' appears twice (also item 3) (give one a distinct `label:`)"]],
    ['derived metric without its inputs', BASE_SPEC.replace('generalization, locality, score', 'score'), ["derived.yaml:10:21: /metrics/1: 'score' is computed from 'generalization', 'locality', which the spec does not measure (add generalization, locality to metrics)"]],
    ['plot of a column the table does not have', BASE_SPEC + 'plots: [{ kind: bar, metrics: [scor], output: f.svg }]\n', ["plot-metric.yaml:12:32: /plots/0/metrics/0: 'scor' is not a metric column of this table (did you mean 'score'?)"]],
    ['plot escaping results/', BASE_SPEC + 'plots: [{ kind: bar, metrics: [score], output: ../f.svg }]\n', ["plot-escape.yaml:12:48: /plots/0/output: output '../f.svg' escapes the results directory (use a path like figures/f4.svg)"]],
    ['text column in an aggregate table', BASE_SPEC.replace('score]', 'score, completion]'), ["text-agg.yaml:10:54: /metrics/4: 'completion' is a text column; it needs one row per record (add `rows: per-record`)"]],
    ['YAML syntax error', BASE_SPEC.replace('metrics: [efficacy,', 'metrics: [efficacy,,'), ['syntax.yaml:10:20: /: YAML syntax error: Unexpected , in flow sequence']],
    ['duplicate key', BASE_SPEC + 'name: again\n', ['dup.yaml:12:1: /: YAML syntax error: Map keys must be unique']],
    ['top level is a list', '- a\n- b\n', ['list.yaml:1:1: /: a spec must be a YAML mapping (key: value pairs) at the top level']],
  ];
  for (const [name, text, expected] of cases) {
    it(name, () => {
      const file = expected[0]!.split(':')[0]!;
      expect(errorsOf({ [file]: text }, file)).toEqual(expected);
    });
  }

  it('reports every error at once (allErrors), sorted by position', () => {
    const text = BASE_SPEC.replace('{ n: 12 }', '{ n: -1, m: 2 }').replace('table-ft', 'ft') + 'bogus: 1\n';
    expect(errorsOf({ 'many.yaml': text }, 'many.yaml')).toEqual([
      'many.yaml:7:18: /datasets/0/params/n: must be >= 1 (got number -1)',
      "many.yaml:7:22: /datasets/0/params/m: unknown key 'm' (did you mean 'n'?)",
      "many.yaml:9:13: /methods/0/method: string \"ft\" is not allowed (allowed: fake-ga, table-ft)",
      "many.yaml:12:1: /bogus: unknown key 'bogus' (allowed: datasets, description, extends, methods, metrics, models, name, output, plots, protocols, rows, run, seed)",
    ]);
  });

  it('alias bomb: refused with the position of the first alias', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill('*' + 'abcdefg'[i]).join(', ')}]`)].join('\n');
    const [msg] = errorsOf({ 'bomb.yaml': BASE_SPEC + bomb + '\n' }, 'bomb.yaml');
    expect(msg).toMatch(/^bomb\.yaml:13:8: \/: YAML aliases expand too much .*at most 100 alias expansions are allowed$/);
  });
});

describe('extends', () => {
  it('merges objects key by key, replaces arrays, and points errors at the file that wrote them', () => {
    const errors = errorsOf(
      {
        'ext/base.yaml': BASE_SPEC,
        'ext/variant.yaml': 'extends: ./base.yaml\nname: variant\ndatasets:\n  - dataset: facts\n    params: { n: 3, q: 1 }\n',
      },
      'ext/variant.yaml',
    );
    expect(errors).toEqual(["ext/variant.yaml:5:21: /datasets/0/params/q: unknown key 'q' (did you mean 'n'?)"]);
    const spec = checkSpec('ext/base.yaml', reg, ws);
    ws.write({ 'ext/ok.yaml': 'extends: ./base.yaml\nname: ok\nrun: { chunk: 2 }\n' });
    const ok = checkSpec('ext/ok.yaml', reg, ws);
    expect(ok).toEqual({ ...spec, name: 'ok', run: { chunk: 2 } });
  });

  it('an error in an inherited value is reported in the base file', () => {
    const errors = errorsOf(
      { 'ext2/base.yaml': BASE_SPEC.replace('table-ft', 'table-fx'), 'ext2/child.yaml': 'extends: base.yaml\nname: child\n' },
      'ext2/child.yaml',
    );
    expect(errors).toEqual(["ext2/base.yaml:9:13: /methods/0/method: string \"table-fx\" is not allowed (did you mean 'table-ft'?)"]);
  });

  it('a missing extends target', () => {
    expect(errorsOf({ 'ext3/a.yaml': 'extends: ./nope.yaml\nname: a\n' }, 'ext3/a.yaml')[0]).toMatch(
      /^ext3\/a\.yaml:1:10: \/extends: cannot extend '\.\/nope\.yaml': no such file \(.*ext3\/nope\.yaml\)$/,
    );
  });

  it('extends of the wrong type or absolute', () => {
    expect(errorsOf({ 'ext4/a.yaml': 'extends: [a.yaml]\n' }, 'ext4/a.yaml')).toEqual(['ext4/a.yaml:1:10: /extends: must be a relative path to another spec file (string)']);
    expect(errorsOf({ 'ext4/b.yaml': 'extends: /etc/passwd\n' }, 'ext4/b.yaml')).toEqual(["ext4/b.yaml:1:10: /extends: must be relative to this file, got absolute path '/etc/passwd'"]);
  });

  it('a syntax error in the extended file is reported in that file', () => {
    expect(errorsOf({ 'ext5/base.yaml': 'name: [unclosed\n', 'ext5/child.yaml': 'extends: base.yaml\n' }, 'ext5/child.yaml')[0]).toMatch(/^ext5\/base\.yaml:2:1: \/: YAML syntax error: /);
  });

  it('a cycle is reported with its chain', () => {
    const errors = errorsOf(
      { 'cyc/a.yaml': 'extends: ./b.yaml\nname: a\n', 'cyc/b.yaml': 'name: b\nextends: ./c.yaml\n', 'cyc/c.yaml': 'extends: a.yaml\n' },
      'cyc/a.yaml',
    );
    expect(errors).toEqual(['cyc/c.yaml:1:10: /extends: extends cycle: cyc/a.yaml → cyc/b.yaml → cyc/c.yaml → cyc/a.yaml']);
  });
});

const QA_SPEC = BASE_SPEC.replace('dataset: facts\n    params: { n: 12 }', 'dataset: qa-forget').replace('method: table-ft', 'method: fake-ga').replace('[efficacy, generalization, locality, score]', '[forgot]');

describe('the method contract at validate time (request kinds, retain sets, model shapes)', () => {
  it('a forget-only method on a fact-rewrite dataset is rejected at the method item', () => {
    expect(errorsOf({ 'kinds.yaml': BASE_SPEC.replace('method: table-ft', 'method: fake-ga').replace('[efficacy, generalization, locality, score]', '[forgot]') }, 'kinds.yaml')).toEqual([
      "kinds.yaml:9:13: /methods/0/method: method 'fake-ga' takes forget requests, but dataset 'facts' (datasets item 0) yields rewrite requests (pair 'fake-ga' with a dataset of forget requests, or use a method that takes rewrite requests)",
    ]);
    expect(errorsOf({ 'qa.yaml': QA_SPEC }, 'qa.yaml')).toEqual([]);
    // a rewrite-only method (accepts defaults to ['rewrite']) on forget requests
    expect(errorsOf({ 'qa-ft.yaml': QA_SPEC.replace('method: fake-ga', 'method: table-ft') }, 'qa-ft.yaml')[0]).toMatch(/^qa-ft\.yaml:8:13: .*'table-ft' takes rewrite requests, but dataset 'qa-forget'/);
  });

  it('a hyper-parameter naming a layer the model lacks fails at the param (set or swept)', () => {
    expect(errorsOf({ 'layer.yaml': QA_SPEC.replace('method: fake-ga', 'method: fake-ga\n    params: { layer: 4 }') }, 'layer.yaml')).toEqual([
      "layer.yaml:9:22: /methods/0/params/layer: fake-ga: param 'layer': layer 4 is out of range: this model has layers 0..3 (model 'table')",
    ]);
    expect(errorsOf({ 'sweep.yaml': QA_SPEC.replace('method: fake-ga', 'method: fake-ga\n    matrix: { layer: [1, 7] }') }, 'sweep.yaml')).toEqual([
      "sweep.yaml:9:22: /methods/0/matrix/layer: fake-ga: param 'layer': layer 7 is out of range: this model has layers 0..3 (model 'table')",
    ]);
  });

  it('retain: a split the dataset has, or a registered dataset; not both', () => {
    const withRetain = (r: string) => QA_SPEC.replace('dataset: qa-forget', `dataset: qa-forget\n    retain: ${r}`);
    expect(errorsOf({ 'r1.yaml': withRetain('{ split: retain }') }, 'r1.yaml')).toEqual([]);
    expect(errorsOf({ 'r2.yaml': withRetain('{ dataset: facts, params: { n: 3 } }') }, 'r2.yaml')).toEqual([]);
    expect(errorsOf({ 'r3.yaml': withRetain('{ split: keep }') }, 'r3.yaml')).toEqual(["r3.yaml:7:22: /datasets/0/retain/split: dataset 'qa-forget' has no split 'keep' (its splits: retain)"]);
    expect(errorsOf({ 'r4.yaml': withRetain('{ split: retain, dataset: facts }') }, 'r4.yaml')).toEqual(['r4.yaml:7:13: /datasets/0/retain: retain: names exactly one of `dataset` or `split`']);
  });
});

describe('schema', () => {
  it('with nothing registered, ids are rejected with a clear message (ajv refuses empty enums)', () => {
    const empty = { ...reg, models: new Map(), datasets: new Map(), methods: new Map(), metrics: new Map() };
    ws.write({ 'empty.yaml': BASE_SPEC });
    let msgs: string[] = [];
    try {
      checkSpec('empty.yaml', empty, ws);
    } catch (e) {
      msgs = (e as SpecError).diagnostics.map(formatDiagnostic);
    }
    expect(msgs[0]).toBe('empty.yaml:4:12: /models/0/model: string "table" is not allowed: nothing of this kind is registered in this build');
    expect(msgs).toHaveLength(7);
  });

  it('is a valid draft 2020-12 schema that ajv compiles in strict mode, and carries defaults', () => {
    const schema = buildSchema(reg);
    expect(schema['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(() => compileSchema(schema)).not.toThrow();
    const spec = checkSpec('ok.yaml', reg, (ws.write({ 'ok.yaml': BASE_SPEC }), ws));
    expect(spec.methods[0]!.params).toEqual({ lr: 0.1, paraphrase: false, delayMs: 0 });
    expect(spec.protocols).toEqual([{ kind: 'single' }]);
    expect(spec.seed).toBe(0);
  });
});
