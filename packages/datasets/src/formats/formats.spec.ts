import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildWorld } from '../world/build';
import { renderWorld, WORLD_FILES, WORLD_FILES_V2 } from '../world/render';
import { DatasetError } from '../errors';
import type { EditRecord, MultipleChoiceItem, QAItem } from '../types';
import { detectFormat, loadDataset } from './load';
import { formatByName } from './registry';

// The real dev subsets live beside the repo: <repo>/../shared/data (never copied into the repo).
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const SHARED = resolve(REPO, '../shared/data');
const haveShared = existsSync(SHARED);
if (!haveShared) console.warn(`[datasets] ${SHARED} is absent: real-file loader tests are skipped`);

describe.skipIf(!haveShared)('loaders on the real dev files (../shared/data)', () => {
  const cases: [string, string, number][] = [
    ['counterfact/counterfact-edit.dev.json', 'counterfact-easyedit', 1000],
    ['counterfact/counterfact-rome-format.dev.json', 'counterfact-rome', 14],
    ['zsre/zsre_mend_eval_portability_gpt4.dev.json', 'zsre-mend', 737],
    ['zsre/zsre_mend_train-1k.json', 'zsre-mend', 1000],
    ['rippleedits/random.sample.json', 'rippleedits', 1],
    ['tofu/real_authors_perturbed.json', 'tofu', 70],
    ['tofu/world_facts_perturbed.json', 'tofu', 82],
    ['tofu/factual_data.json', 'tofu', 152],
    ['pistol/sample_data_1.dev.json', 'pistol', 280],
    ['mmlu/test', 'mmlu-csv', 455],
    ['mmlu/dev/management_dev.csv', 'mmlu-csv', 5],
  ];
  it.each(cases)('%s → %s, %i records, none malformed', (rel, format, n) => {
    const p = join(SHARED, rel);
    expect(detectFormat(p)).toBe(format);
    const d = loadDataset(p);
    expect(d.malformed).toEqual([]);
    expect(d.records.length).toBe(n);
  });
  it('maps the fields as SOURCE.md documents them', () => {
    const rome = loadDataset(join(SHARED, 'counterfact/counterfact-rome-format.dev.json')).records as EditRecord[];
    const u = rome.find((r) => r.id === '491')!;
    expect(u).toMatchObject({ prompt: 'Uusimaa, which has the capital city', subject: 'Uusimaa', targetNew: 'Dresden', targetTrue: 'Helsinki', relationId: 'P36' });
    expect(u.neighborhood).toHaveLength(10);
    expect(u.neighborhood[0]!.answers).toEqual(['Helsinki']);
    expect(u.attribute[0]!.answers).toEqual(['Dresden']);
    const ee = loadDataset(join(SHARED, 'counterfact/counterfact-edit.dev.json')).records[0] as EditRecord;
    expect(ee.neighborhood[0]!.answers).toEqual([ee.targetTrue]);
    // ZsRE: alt is the NEW target, answers[0] the true one.
    const z = loadDataset(join(SHARED, 'zsre/zsre_mend_eval_portability_gpt4.dev.json')).records[0] as EditRecord;
    expect(z).toMatchObject({ subject: 'IAAF Combined Events Challenge', targetNew: '2006', targetTrue: '1998' });
    expect(z.locality[0]).toEqual({ prompt: 'nq question: what is the name of the last episode of spongebob', answers: ['The String'], family: 'locality' });
    expect(z.portability[0]!.answers).toEqual(['Athletics']);
    const r = loadDataset(join(SHARED, 'rippleedits/random.sample.json')).records[0] as EditRecord;
    expect(r).toMatchObject({ subject: '꼠', prompt: '꼠 follows', targetNew: '33910 Lestarge', targetTrue: '꼟' });
    const t = loadDataset(join(SHARED, 'tofu/real_authors_perturbed.json')).records[0] as QAItem;
    expect(t).toMatchObject({ question: "Who wrote the play 'Romeo and Juliet'?", answer: 'William Shakespeare', perturbedAnswers: ['Charles Dickens', 'Virginia Woolf', 'Mark Twain'] });
    const p = loadDataset(join(SHARED, 'pistol/sample_data_1.dev.json')).records as QAItem[];
    expect(new Set(p.map((x) => x.group)).size).toBe(14);
    const m = loadDataset(join(SHARED, 'mmlu/test/college_chemistry_test.csv')).records[0] as MultipleChoiceItem;
    expect(m).toMatchObject({ choices: ['r = k ln[A]', 'r = k [A]^2', 'r = k [A]', 'r = k'], answerIndex: 3, subject: 'college_chemistry' });
  });
});

describe('loaders round-trip world-rendered files', () => {
  const w = buildWorld(11, 'tiny');
  const dir = mkdtempSync(join(tmpdir(), 'editlab-world-'));
  const ready = renderWorld(w, dir);
  it('every benchmark file is detected and loads without malformed records', async () => {
    await ready;
    const expected: [string, string, number][] = [
      [WORLD_FILES.counterfact, 'counterfact-rome', w.options.counterfactRecords],
      [WORLD_FILES.counterfactEasyEdit, 'counterfact-easyedit', w.options.counterfactRecords],
      [WORLD_FILES.zsre, 'zsre-mend', w.options.zsreRecords],
      [WORLD_FILES.zsrePortability, 'zsre-mend', w.options.zsreRecords],
      [WORLD_FILES.ripple, 'rippleedits', w.options.rippleRecords],
      [WORLD_FILES.tofu, 'tofu', w.options.tofuRecords],
      [WORLD_FILES.tofuRetain, 'tofu', w.benchmark.mmlu.length],
      [WORLD_FILES.tofuFactual, 'tofu', w.benchmark.mmlu.length],
      [WORLD_FILES.pistol, 'pistol', 20 * w.options.pistolContracts],
      [WORLD_FILES.refusal, 'tofu', w.options.refusalEntities],
    ];
    for (const [rel, format, n] of expected) {
      const d = loadDataset(join(dir, rel));
      expect(d.format, rel).toBe(format);
      expect(d.malformed, rel).toEqual([]);
      expect(d.records.length, rel).toBe(n);
    }
    const mmlu = loadDataset(join(dir, 'mmlu'));
    expect(mmlu.format).toBe('mmlu-csv');
    expect(mmlu.records.length).toBe(w.benchmark.mmlu.length);
  });
  it('loaded records carry the world facts', async () => {
    await ready;
    const cf = loadDataset(join(dir, WORLD_FILES.counterfact)).records as EditRecord[];
    cf.forEach((r, i) => {
      const e = w.benchmark.counterfact[i]!;
      const f = w.fact(e.fact);
      expect(r.subject).toBe(w.entity(f.subject).name);
      expect(r.targetTrue).toBe(w.entity(f.object).name);
      expect(r.targetNew).toBe(w.entity(e.newObject).name);
      expect(r.prompt.startsWith(r.subject) || r.prompt.includes(r.subject)).toBe(true);
    });
    const rp = loadDataset(join(dir, WORLD_FILES.ripple)).records as EditRecord[];
    rp.forEach((r, i) => {
      const e = w.benchmark.ripple[i]!;
      expect(r.targetNew).toBe(w.entity(e.newObject).name);
      expect(r.subject).toBe(w.entity(w.fact(e.fact).subject).name);
      expect(r.portability.find((p) => p.family === 'Compositionality_I')!.answers[0]).toBe(w.entity(w.fact(e.newSecond).object).name);
    });
    const z = loadDataset(join(dir, WORLD_FILES.zsre)).records as EditRecord[];
    expect(z[0]!.targetNew).toBe(w.entity(w.benchmark.zsre[0]!.newObject).name);
    const t = loadDataset(join(dir, WORLD_FILES.tofu)).records as QAItem[];
    for (const q of t) {
      expect(q.perturbedAnswers).toHaveLength(3);
      expect(q.perturbedAnswers).not.toContain(q.answer);
      expect(q.paraphrasedQuestion).toBeDefined();
    }
  });
});

describe('world version 2 files round-trip too', () => {
  const w = buildWorld(11, 'tiny', {}, { version: 2 });
  const dir = mkdtempSync(join(tmpdir(), 'editlab-world2-'));
  const ready = renderWorld(w, dir);
  it('tuning and KnowEdit files are detected and load without malformed records', async () => {
    await ready;
    const o = w.options;
    const expected: [string, string, number][] = [
      [WORLD_FILES.counterfact, 'counterfact-rome', o.counterfactRecords],
      [WORLD_FILES.ripple, 'rippleedits', o.rippleRecords],
      [WORLD_FILES.refusal, 'tofu', o.refusalEntities],
      [WORLD_FILES_V2.tuningCounterfact, 'counterfact-rome', o.tuningCounterfactRecords!],
      [WORLD_FILES_V2.tuningZsre, 'zsre-mend', o.tuningZsreRecords!],
      [WORLD_FILES_V2.tuningTofu, 'tofu', o.tuningTofuRecords!],
      [WORLD_FILES_V2.knoweditCounterfact, 'knowedit', o.knoweditCounterfactRecords!],
      [WORLD_FILES_V2.knoweditRecent, 'knowedit', o.knoweditRecentRecords!],
    ];
    for (const [rel, format, n] of expected) {
      const d = loadDataset(join(dir, rel));
      expect(d.format, rel).toBe(format);
      expect(d.malformed, rel).toEqual([]);
      expect(d.records.length, rel).toBe(n);
    }
    const rp = loadDataset(join(dir, WORLD_FILES.ripple)).records as EditRecord[];
    for (const r of rp) expect(r.portability.some((p) => p.family === 'Subject_Aliasing')).toBe(true);
  });
});

describe('KnowEdit format (EasyEdit examples/KnowEdit.md record shapes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'editlab-knowedit-'));
  const recent = {
    subject: 'Leo Arons', prompt: 'The place of death of Leo Arons is', target_new: 'Berlin',
    portability: {
      Logical_Generalization: [{ prompt: 'Is Leo Arons still alive?', ground_truth: [['no'], ['incorrect'], ['false']] }],
      Reasoning: [{ prompt: 'The name of the continent which the place of death of Leo Arons is part of is', ground_truth: [['Europe', 'European continent']] }],
      Subject_Aliasing: [{ prompt: 'The place of death of Martin Leo Arons is', ground_truth: [['Berlin', 'Berlin, Germany']] }],
    },
    locality: { Relation_Specificity: [{ prompt: 'The name of the father of Leo Arons is', ground_truth: [['Albert Arons']] }] },
  };
  const cf = {
    subject: 'Frederic Piesch', prompt: 'The name of the position held by Frederic Piesch is', target_new: 'Archbishop of León, Mexico', ground_truth: 'mayor of Vienna',
    portability: { Subject_Aliasing: [{ prompt: 'The name of the position held by Frederic of Pieschen is', ground_truth: 'Archbishop of León, Mexico' }] },
    locality: {
      Relation_Specificity: [{ prompt: 'The gender of Frederic Piesch is', ground_truth: 'male' }],
      Forgetfulness: [{ prompt: 'The name of the position held by Frederic Piesch, which is not Archbishop of León, Mexico, is', ground_truth: 'mayor of Vienna' }],
    },
  };
  it('detects and maps WikiData_recent and WikiData_counterfact records', () => {
    const f = join(dir, 'recent_test.json');
    writeFileSync(f, JSON.stringify([recent, cf]));
    expect(detectFormat(f)).toBe('knowedit');
    const d = loadDataset(f);
    expect(d.malformed).toEqual([]);
    const [r, c] = d.records as EditRecord[];
    expect(r!.targetTrue).toBeUndefined();
    expect(r!.portability.map((p) => p.family)).toEqual(['Logical_Generalization', 'Reasoning', 'Subject_Aliasing']);
    expect(r!.portability[0]!.answers).toEqual(['no', 'incorrect', 'false']);
    expect(r!.portability[1]!.answers).toEqual(['Europe', 'European continent']);
    expect(c).toMatchObject({ subject: 'Frederic Piesch', targetNew: 'Archbishop of León, Mexico', targetTrue: 'mayor of Vienna' });
    expect(c!.locality.map((p) => [p.family, p.answers[0]])).toEqual([['Relation_Specificity', 'male'], ['Forgetfulness', 'mayor of Vienna']]);
  });
  it('locates a malformed ground truth', () => {
    const f = join(dir, 'bad.json');
    writeFileSync(f, JSON.stringify([{ ...cf, locality: { Relation_Specificity: [{ prompt: 'x', ground_truth: 3 }] } }]));
    const d = loadDataset(f, { format: 'knowedit' });
    expect(d.records).toEqual([]);
    expect(d.malformed).toEqual([{ file: f, index: 0, field: 'locality.Relation_Specificity[0].ground_truth', message: 'expected a string or a list of (lists of) strings, got number 3' }]);
  });
});

describe('malformed input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'editlab-bad-'));
  it('collects every malformed record with file, index and field', () => {
    const f = join(dir, 'zsre_bad.json');
    writeFileSync(f, JSON.stringify([
      { subject: 's', src: 'q?', rephrase: 'r?', alt: 'a', answers: ['b'], loc: 'l', loc_ans: 'la' },
      { subject: 's', src: 'q?', rephrase: 'r?', alt: 7, answers: ['b'], loc: 'l', loc_ans: 'la' },
      { subject: 's', src: 'q?', rephrase: 'r?', alt: 'a', answers: [], loc: 'l', loc_ans: 'la' },
    ]));
    const d = loadDataset(f);
    expect(d.records).toHaveLength(1);
    expect(d.malformed).toEqual([
      { file: f, index: 1, field: 'alt', message: 'expected a string, got number 7' },
      { file: f, index: 2, field: 'answers', message: 'expected at least 1 item(s), got 0' },
    ]);
    try {
      loadDataset(f, { strict: true });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DatasetError);
      expect((e as DatasetError).code).toBe('DATASET_MALFORMED');
      expect((e as DatasetError).message).toContain('record 1, field `alt`');
    }
  });
  it('nested fields and CSV rows are located too', () => {
    const f = join(dir, 'cf.json');
    writeFileSync(f, JSON.stringify([{ case_id: 1, requested_rewrite: { prompt: 'no slot', subject: 'S', relation_id: 'P1', target_new: { str: 'x' }, target_true: {} }, paraphrase_prompts: [], neighborhood_prompts: ['a', 3] }]));
    const fields = loadDataset(f, { format: 'counterfact-rome' }).malformed.map((m) => m.field);
    expect(fields).toEqual(['requested_rewrite.target_true.str', 'requested_rewrite.prompt', 'neighborhood_prompts[1]']);
    const c = join(dir, 'x_test.csv');
    writeFileSync(c, 'q1,a,b,c,d,B\nq2,a,b,c,d,E\nq3,a,b\n');
    const m = loadDataset(c);
    expect(m.records).toHaveLength(1);
    expect(m.malformed.map((x) => [x.index, x.field])).toEqual([[1, 'answer'], [2, '(row)']]);
  });
  it('bad JSON Lines, unknown formats and undetectable files are clear DatasetErrors', () => {
    const f = join(dir, 'x_perturbed.json');
    writeFileSync(f, '{"question":"a","answer":"b"}\n{"question":\n');
    expect(() => loadDataset(f)).toThrow(/line 2 is not valid JSON/);
    expect(() => formatByName('counterfact-rom')).toThrow(/Did you mean "counterfact-rome"\?/);
    expect(() => loadDataset(f, { format: 'zsre' })).toThrow(/Did you mean "zsre-mend"\?/);
    const g = join(dir, 'other.json');
    writeFileSync(g, JSON.stringify([{ foo: 1 }]));
    expect(() => detectFormat(g)).toThrow(/cannot tell the format from fields \[foo\]/);
    expect(() => loadDataset(join(dir, 'missing.json'))).toThrow(/no such file/);
  });
});
