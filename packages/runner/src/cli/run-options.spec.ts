// `editlab run`'s result table, --limit, --set and --json (on run, validate, methods), over the fake registries.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliWorkspace } from '../testing/cli';

const { ws, cli } = cliWorkspace();
afterAll(() => ws.cleanup());

describe('editlab run: table, --limit, --set, --json', () => {
  it('prints the table when it ends: aligned, numbers right-aligned, empty columns (hparams, error) left out', async () => {
    const r = await cli('run', 'exp/spec.yaml', '--renderer', 'silent');
    expect(r.code).toBe(0);
    expect(r.out.split('\n').slice(3)).toEqual([
      'model  dataset  method    protocol   n  efficacy  generalization  locality  score  status',
      '-----  -------  --------  --------  --  --------  --------------  --------  -----  ------',
      'table  facts    table-ft  single    12    100.00            0.00    100.00   0.00  ok',
    ]);
  });

  it('--limit N runs the first N records of each dataset (recorded as run.limit); --set overrides spec values', async () => {
    const r = await cli('run', 'exp/spec.yaml', '--renderer', 'silent', '--limit', '5', '--set', 'methods.0.params.lr=0.5', '--set', 'output=limited.csv');
    expect(r.code).toBe(0);
    expect(r.out.split('\n').pop()).toBe('table  facts    table-ft  single    5    100.00            0.00    100.00   0.00  ok');
    const meta = JSON.parse(readFileSync(join(ws.resultsDir, 'limited.meta.json'), 'utf8'));
    expect(meta.spec.run).toEqual({ chunk: 4, limit: 5 });
    expect(meta.spec.methods[0].params.lr).toBe(0.5);
    expect(await cli('run', 'exp/spec.yaml', '--limit', '0')).toMatchObject({ code: 2, err: "editlab run: --limit must be an integer ≥ 1, got '0'" });
  });

  it('a --set that makes the spec invalid is reported at the flag; a malformed one says how to write it', async () => {
    expect(await cli('validate', 'exp/spec.yaml', '--set', 'methods.0.params.lr=-1', '--set', 'run.chunk=abc')).toMatchObject({
      code: 2,
      err: '--set methods.0.params.lr=-1:1:21: /methods/0/params/lr: must be > 0 (got number -1)\n--set run.chunk=abc:1:11: /run/chunk: must be integer, got string "abc"\nspec invalid (2 problem(s))',
    });
    expect((await cli('validate', 'exp/spec.yaml', '--set', 'methds=[]')).err.split('\n')[0]).toBe("--set methds=[]:1:8: /methds: unknown key 'methds' (did you mean 'methods'?)");
    expect(await cli('validate', 'exp/spec.yaml', '--set', 'methods.3.params.lr=1')).toMatchObject({
      code: 2, err: "editlab validate: --set methods.3.params.lr=1: /methods is a list of 1 item(s); '3' is neither an item's index (0..0) nor 1 (append)",
    });
    expect(await cli('validate', 'exp/spec.yaml', '--set', 'nope')).toMatchObject({ code: 2, err: 'editlab validate: --set nope: expected path=value, e.g. --set methods.0.params.lr=1e-3' });
    expect(await cli('validate', 'exp/spec.yaml', '--set', '/datasets/0/params/n=3')).toMatchObject({ code: 0 });
  });

  it('--json: run prints the rows as numbers; validate the resolved spec or the problems; methods the params', async () => {
    const run = JSON.parse((await cli('run', 'exp/spec.yaml', '--json')).out);
    expect(run).toMatchObject({ spec: 'exp/spec.yaml', executed: 0, cached: 4, csv: 'results/fake.csv', plots: [] });
    expect(run.rows).toEqual([{
      model: 'table', dataset: 'facts', method: 'table-ft', hparams: '', protocol: 'single', n: 12, efficacy: 100, generalization: 0, locality: 100, score: 0,
      // the 95% bootstrap interval of each metric (docs/metrics.md, "Intervals"): the fake scores are constant
      efficacy_lo: 100, efficacy_hi: 100, generalization_lo: 0, generalization_hi: 0, locality_lo: 100, locality_hi: 100, score_lo: 0, score_hi: 0,
      status: 'ok', error: '',
    }]);
    const v = await cli('validate', 'exp/spec.yaml', 'exp/bad.yaml', '--json');
    expect(v.code).toBe(2);
    const [ok, bad] = v.out.split('\n').map((l) => JSON.parse(l));
    expect(ok).toMatchObject({ file: 'exp/spec.yaml', ok: true, output: 'fake.csv', resolved: { run: { chunk: 4 }, methods: [{ method: 'table-ft', params: { lr: 0.1 } }] } });
    expect(bad).toEqual({ file: 'exp/bad.yaml', ok: false, problems: [{ file: 'exp/bad.yaml', line: 9, col: 13, path: '/methods/0/method', message: 'string "tabel-ft" is not allowed', hint: "did you mean 'table-ft'?" }] });
    const methods = JSON.parse((await cli('methods', '--json')).out);
    expect(methods.map((m: { id: string; accepts: string[] }) => [m.id, m.accepts])).toEqual([['table-ft', ['rewrite']], ['fake-ga', ['forget']]]);
    expect(methods[0].params[0]).toEqual({ name: 'lr', type: 'number', default: 0.1 });
    expect((await cli('methods', 'fake-ga')).out).toBe('fake-ga  (takes forget; stages: corpus-stats)\n    layer  = 1  layer (checked against the shape)');
    expect(await cli('methods', 'fake-gaa')).toMatchObject({ code: 2, err: "editlab methods: methods: no method 'fake-gaa' (did you mean 'fake-ga'?)" });
  });

  it('plot honours --out and takes its title from the table\'s meta (the spec\'s name)', async () => {
    expect(await cli('plot', 'results/fake.csv', '--metric', 'efficacy', '--out', 'figs/e.svg')).toMatchObject({ code: 0, out: 'wrote figs/e.svg' });
    const svg = readFileSync(join(ws.cwd, 'figs/e.svg'), 'utf8');
    expect(svg).toContain('>fake</text>');
    expect(svg).toContain('>method</text>');
  });
});
