// The method contract at validate time (method-checks.ts): request kinds, retain sets, model shapes.
import { afterAll, describe, expect, it } from 'vitest';
import { BASE_SPEC } from '../testing/tmp';
import { specTestbed } from '../testing/spec-errors';

const { ws, errorsOf } = specTestbed();
afterAll(() => ws.cleanup());

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

  it('query merging (protocol merge) only on datasets of forget requests, reported at the merge', () => {
    const merged = (spec: string) => spec.replace('run: { chunk: 4 }', 'protocols: [{ kind: unlearn, apply: sequential, merge: 2 }]\nrun: { chunk: 4 }');
    expect(errorsOf({ 'merge.yaml': merged(BASE_SPEC) }, 'merge.yaml')).toEqual([
      "merge.yaml:11:56: /protocols/0/merge: query merging joins forget questions, but dataset 'facts' (datasets item 0) yields rewrite requests (use merge with an unlearning dataset (world-tofu, world-pistol, unlearn-file))",
    ]);
    expect(errorsOf({ 'merge-qa.yaml': merged(QA_SPEC) }, 'merge-qa.yaml')).toEqual([]);
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
