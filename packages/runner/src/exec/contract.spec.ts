// The method contract through a run, on fakes: a forget-only method on a dataset of forget requests gets
// its retain set (a split of the dataset, or another dataset) and the artifact of its corpus stage (JSON
// and a file in the stage's directory, from the model's default corpus or the model item's `corpus:`).
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { runExperiment } from '../experiment';
import { fakeRegistries } from '../testing/fakes';
import type { FakeCounters } from '../testing/fakes';
import { tmpWorkspace } from '../testing/tmp';
import { paperColumns } from '../testing/csv';
import type { TmpWorkspace } from '../testing/tmp';
import { parseCorpus } from '../plan/corpus';

const SPEC = `name: fake
output: fake.csv
models:
  - model: table
    params: { size: 12 }
datasets:
  - dataset: qa-forget
    retain: { split: retain }
methods:
  - method: fake-ga
metrics: [forgot, extra-params, extra-bytes]
`;

let ws: TmpWorkspace;
afterEach(() => ws?.cleanup());
const counters = (): FakeCounters => ({ applies: 0, loads: 0, prepares: 0 });
const csvRows = (w: TmpWorkspace) => paperColumns(readFileSync(`${w.resultsDir}/fake.csv`, 'utf8')).trim().split('\n');

describe('the method contract in a run (fakes)', () => {
  it('retain split and default corpus reach the method; the stage runs once and is cached', async () => {
    ws = tmpWorkspace({ 'spec.yaml': SPEC });
    const c = counters();
    await runExperiment('spec.yaml', fakeRegistries(c), ws, { renderer: 'silent' });
    // forgot 100%; 3 retain records; 12 documents of the model's default corpus (size 12)
    expect(csvRows(ws)).toEqual(['model,dataset,method,hparams,protocol,n,forgot,extra-params,extra-bytes,status,error', 'table,qa-forget,fake-ga,,single,4,100.00,3,12,ok,']);
    expect(c.prepares).toBe(1);
    await runExperiment('spec.yaml', fakeRegistries(c), ws, { renderer: 'silent' });
    expect(c.prepares).toBe(1);
  });

  it('a retain dataset and a corpus file from the spec (JSONL or paragraphs)', async () => {
    const spec = SPEC.replace('{ split: retain }', '{ dataset: facts, params: { n: 5 } }').replace('params: { size: 12 }', 'params: { size: 12 }\n    corpus: docs.jsonl');
    ws = tmpWorkspace({ 'spec.yaml': spec, 'docs.jsonl': '{"text": "a"}\n{"text": "b"}\n' });
    await runExperiment('spec.yaml', fakeRegistries(counters()), ws, { renderer: 'silent' });
    expect(csvRows(ws)[1]).toBe('table,qa-forget,fake-ga,,single,4,100.00,5,2,ok,');
    expect(parseCorpus('one\ntwo\n\n three \n\n\n', 'c.txt')).toEqual(['one\ntwo', 'three']);
    expect(() => parseCorpus('{"txt": 1}\n', 'c.jsonl')).toThrow(/c\.jsonl:1: field text must be a string/);
  });
});
