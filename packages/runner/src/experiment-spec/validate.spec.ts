// The validator (validate.ts): the malformed-spec corpus, each rejected with file:line:col, path, message and a hint,
// and every error of a spec reported at once.
import { afterAll, describe, expect, it } from 'vitest';
import { BASE_SPEC } from '../testing/tmp';
import { specTestbed } from '../testing/spec-errors';

const { ws, errorsOf } = specTestbed();
afterAll(() => ws.cleanup());

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
    ['matrix key misspelled', BASE_SPEC.replace('method: table-ft', 'method: table-ft\n    matrix: { lrate: [0.1, 0.2] }'), ["matrix-key.yaml:10:15: /methods/0/matrix/lrate: unknown key 'lrate' (allowed: delayMs, dropRate, failOn, lr, paraphrase)"]],
    ['matrix value of the wrong type', BASE_SPEC.replace('method: table-ft', 'method: table-ft\n    matrix: { lr: [0.1, fast] }'), ['matrix-type.yaml:10:25: /methods/0/matrix/lr/1: must be number, got string "fast"']],
    ['swept and fixed at once', BASE_SPEC.replace('method: table-ft', 'method: table-ft\n    params: { lr: 0.5 }\n    matrix: { lr: [0.1] }'), ["both.yaml:11:15: /methods/0/matrix/lr: 'lr' is both fixed in params and swept in matrix (keep one of them)"]],
    ['unknown metric param', BASE_SPEC.replace('score]', 'score, { metric: nll, params: { targte: new } }]'), ["metric-param.yaml:10:79: /metrics/4/params/targte: unknown key 'targte' (did you mean 'target'?)"]],
    ['metric param value not allowed', BASE_SPEC.replace('score]', 'score, { metric: nll, params: { target: old } }]'), ['metric-value.yaml:10:87: /metrics/4/params/target: string "old" is not allowed (allowed: new, true)']],
    ['two metric columns with one name', BASE_SPEC.replace('score]', 'score, { metric: nll, label: score }]'), ["metric-dup.yaml:10:54: /metrics/4: metric column 'score' appears twice (also item 3) (give one a distinct `label:`)"]],
    ['derived metric without its inputs', BASE_SPEC.replace('generalization, locality, score', 'score'), ["derived.yaml:10:21: /metrics/1: 'score' is computed from 'generalization', 'locality', which the spec does not measure (add generalization, locality to metrics)"]],
    ['plot of a column the table does not have', BASE_SPEC + 'plots: [{ kind: bar, metrics: [scor], output: f.svg }]\n', ["plot-metric.yaml:12:32: /plots/0/metrics/0: 'scor' is not a metric column of this table (did you mean 'score'?)"]],
    ['plot escaping results/', BASE_SPEC + 'plots: [{ kind: bar, metrics: [score], output: ../f.svg }]\n', ["plot-escape.yaml:12:48: /plots/0/output: output '../f.svg' escapes the results directory (use a path like figures/f4.svg)"]],
    ['text column in an aggregate table', BASE_SPEC.replace('score]', 'score, completion]'), ["text-agg.yaml:10:54: /metrics/4: 'completion' is a text column; it needs one row per record (add `rows: per-record`)"]],
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
      "many.yaml:12:1: /bogus: unknown key 'bogus' (allowed: datasets, defaults, description, extends, methods, metrics, models, name, output, plots, protocols, rows, run, seed)",
    ]);
  });
});
