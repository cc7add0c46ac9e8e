// The `hf: owner/name` shorthand of a model item (hub-shorthand.ts) against the built-in registries and a
// model cache holding the published config.json of the papers' models (testing/hub-configs.ts): it
// validates to the long form, a repo not in the cache is an error at the item naming the fetch command,
// and a malformed shorthand is reported at its line.
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { defaultRegistries } from '../defaults';
import { checkSpec } from '../experiment';
import { snapshotDir } from '../models/hub';
import { configOnlyModelCache } from '../testing/hub-configs';
import { specErrors } from '../testing/spec-errors';
import { tmpWorkspace } from '../testing/tmp';

const ws = tmpWorkspace();
const cache = configOnlyModelCache(join(ws.cwd, 'model-cache'));
const prev = process.env['EDITLAB_MODEL_CACHE'];
process.env['EDITLAB_MODEL_CACHE'] = cache; // the built-in `hf` entry reads the process environment
afterAll(() => {
  if (prev === undefined) delete process.env['EDITLAB_MODEL_CACHE'];
  else process.env['EDITLAB_MODEL_CACHE'] = prev;
  ws.cleanup();
});
const reg = defaultRegistries();
const errorsOf = specErrors(reg, ws);
const spec = (models: string) => `name: t\noutput: t.csv\nmodels:${models}\ndatasets: [{ dataset: world-counterfact, params: { n: 2 } }]\nmethods: [{ method: ft }]\nmetrics: [efficacy]\n`;
const fetchHint = (at: string, repo: string, revision = 'main') =>
  `${at} is not fetched into the model cache (${snapshotDir(cache, repo, revision)}): run \`editlab model fetch ${at}\` (EDITLAB_MODEL_CACHE sets the cache, HF_ENDPOINT a mirror, HF_TOKEN a token)`;

describe('models: [hf: owner/name]', () => {
  it('validates to the long form, labelled by the repo name; a label or corpus of its own is kept', () => {
    ws.write({
      'short.yaml': spec(' [hf: meta-llama/Llama-2-7b-hf]'),
      'long.yaml': spec(' [{ model: hf, label: Llama-2-7b-hf, params: { repo: meta-llama/Llama-2-7b-hf } }]'),
      'labelled.yaml': spec('\n  - hf: mistralai/Mistral-7B-v0.1\n    label: Mistral-7B\n    corpus: corpus.txt'),
      'corpus.txt': 'Some text.\n',
    });
    const short = checkSpec('short.yaml', reg, ws);
    expect(short.models).toEqual([{ model: 'hf', label: 'Llama-2-7b-hf', params: { repo: 'meta-llama/Llama-2-7b-hf', revision: 'main' } }]);
    expect(short).toEqual(checkSpec('long.yaml', reg, ws));
    expect(checkSpec('labelled.yaml', reg, ws).models).toEqual([{ model: 'hf', label: 'Mistral-7B', corpus: 'corpus.txt', params: { repo: 'mistralai/Mistral-7B-v0.1', revision: 'main' } }]);
  });

  it('a repo that is not fetched: an error at the item naming `editlab model fetch`, with the revision when one is given', () => {
    expect(errorsOf({ 'absent.yaml': spec('\n  - hf: acme/absent') }, 'absent.yaml')).toEqual([`absent.yaml:4:5: /models/0: model 'absent': ${fetchHint('acme/absent', 'acme/absent')}`]);
    expect(errorsOf({ 'rev.yaml': spec('\n  - hf: meta-llama/Llama-2-7b-hf@v2') }, 'rev.yaml')).toEqual([
      `rev.yaml:4:5: /models/0: model 'Llama-2-7b-hf@v2': ${fetchHint('meta-llama/Llama-2-7b-hf@v2', 'meta-llama/Llama-2-7b-hf', 'v2')}`,
    ]);
  });

  it('a malformed shorthand is reported at its line', () => {
    const cases: Array<[string, string, string[]]> = [
      ['no-owner.yaml', '\n  - hf: Llama-2-7b-hf', ['no-owner.yaml:4:9: /models/0/hf: must match pattern "^[A-Za-z0-9][\\w.-]*/[\\w.-]+(@[\\w.-]+)?$" (got string "Llama-2-7b-hf")']],
      ['both.yaml', '\n  - hf: acme/tiny\n    model: hf', ["both.yaml:5:5: /models/0/model: key 'model' is not allowed here"]],
      ['params.yaml', '\n  - hf: acme/tiny\n    params: { revision: v1 }', ["params.yaml:5:15: /models/0/params/revision: unknown key 'revision'"]],
      ['neither.yaml', '\n  - label: tiny', ["neither.yaml:4:5: /models/0: missing required key 'model'"]],
    ];
    for (const [file, models, expected] of cases) expect(errorsOf({ [file]: spec(models) }, file), file).toEqual(expected);
  });
});
