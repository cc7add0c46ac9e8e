// The real-data miniature's two pieces (issue 17): an edit file's tuning split (a dev slice disjoint from
// the evaluated records, or another file) and the `facts` model, pretrained in the run on a file's true facts.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpWorkspace } from '../testing/tmp';
import { defaultRegistries } from '../defaults';
import { checkSpec } from '../experiment';
import { SpecError, formatDiagnostic } from '../errors';
import { editFile } from './edit-datasets';
import { factsModel } from './facts-model';
import type { EditRequest } from '../registries';
import type { JsonObject } from '../util/json';

/** ZsRE MEND records about made-up subjects: `src`'s true answer is `answers[0]`, `alt` the new target. */
const zsre = (from: number, to: number) => JSON.stringify(Array.from({ length: to - from }, (_, k) => {
  const i = from + k;
  return { subject: `Quorv${i}`, src: `Which city is Quorv${i} based in?`, pred: '', rephrase: `Where is Quorv${i} based?`, alt: `Tallin${i}`, answers: [`Bremo${i}`], loc: `nq question: who wrote book ${i}`, loc_ans: `Author${i}`, cond: '' };
}));

describe('edit-file tuning split', () => {
  it('the first tuningRecords records of the file (or of tuningPath) are the tuning split; evaluated records may not overlap it', async () => {
    const ws = tmpWorkspace({ 'z.json': zsre(0, 6), 'dev.json': zsre(100, 103) });
    const ctx = { seed: 0, specDir: ws.cwd };
    try {
      const tuning = await editFile.tuning!({ path: 'z.json', tuningRecords: 2, offset: 2, n: 4 }, ctx);
      expect(tuning.map((t) => (t.request as EditRequest).subject)).toEqual(['Quorv0', 'Quorv1']);
      expect(tuning[0]!.paraphrases).toEqual(['Where is Quorv0 based?']);
      expect((tuning[0]!.request as EditRequest).targetNew).toBe(' Tallin0');
      const evaluated = await editFile.load({ path: 'z.json', tuningRecords: 2, offset: 2, n: 4 }, ctx);
      expect(evaluated.map((r) => r.id)).toEqual(['2', '3', '4', '5']);
      await expect(editFile.load({ path: 'z.json', tuningRecords: 3, offset: 2, n: 4 }, ctx)).rejects.toThrow(/overlap the tuning split \(its first 3 records\): set offset ≥ 3/);
      // Another file: no overlap check, its first records.
      const other = await editFile.tuning!({ path: 'z.json', tuningPath: 'dev.json', tuningRecords: 5, offset: 0, n: 2 }, ctx);
      expect(other.map((t) => (t.request as EditRequest).subject)).toEqual(['Quorv100', 'Quorv101', 'Quorv102']);
      await expect(editFile.tuning!({ path: 'z.json', offset: 0, n: 2 }, ctx)).rejects.toThrow(/no tuning split \(set tuningRecords/);
    } finally {
      ws.cleanup();
    }
  });
});

describe('edit-file tuning split in validate', () => {
  it('a side-model method on an edit file without tuningRecords is a validate error at the method; with it, none', () => {
    const ws = tmpWorkspace({ 'z.json': zsre(0, 6) });
    const problems = (datasetParams: string): string[] => {
      ws.write({ 'spec.yaml': `name: t\noutput: t.csv\nmodels: [{ model: embedded, params: { name: tiny-llama } }]\ndatasets: [{ dataset: edit-file, params: { path: z.json${datasetParams} } }]\nmethods: [{ method: serac }]\nmetrics: [efficacy]\n` });
      try {
        checkSpec(join(ws.cwd, 'spec.yaml'), defaultRegistries(), ws);
        return [];
      } catch (e) {
        if (!(e instanceof SpecError)) throw e;
        return e.diagnostics.map(formatDiagnostic);
      }
    };
    try {
      const without = problems('');
      expect(without).toHaveLength(1);
      expect(without[0]).toMatch(/\/methods\/0\/method: method 'serac' trains its .* stage on a dataset's tuning split, and dataset 'edit-file' \(datasets item 0\) has none.*tuningRecords: N/);
      expect(problems(', tuningRecords: 2, offset: 2')).toEqual([]);
    } finally {
      ws.cleanup();
    }
  });
});

describe('facts model', () => {
  it('validate checks each facts file, reported at its list element', () => {
    const ws = tmpWorkspace({ 'z.json': zsre(0, 4) });
    try {
      ws.write({ 'spec.yaml': `name: t\noutput: t.csv\nmodels:\n  - { model: facts, params: { name: tiny-llama, facts: [z.json, missing.json] } }\ndatasets: [{ dataset: edit-file, params: { path: z.json } }]\nmethods: [{ method: ft }]\nmetrics: [efficacy]\n` });
      let problems: string[] = [];
      try {
        checkSpec(join(ws.cwd, 'spec.yaml'), defaultRegistries(), ws);
      } catch (e) {
        if (!(e instanceof SpecError)) throw e;
        problems = e.diagnostics.map(formatDiagnostic);
      }
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain("/models/0/params/facts/1: 'missing.json' does not exist");
    } finally {
      ws.cleanup();
    }
  });

  it('builds a checkpoint from the file\'s facts (a short schedule), keyed by the files\' content; the build value has the held-out paraphrase accuracy', async () => {
    const ws = tmpWorkspace({ 'z.json': zsre(0, 4) });
    const entry = factsModel(['tiny-llama']);
    const ctx = { seed: 0, specDir: ws.cwd };
    const params = { name: 'tiny-llama', facts: ['z.json'], steps: 3 };
    try {
      const key = await entry.fingerprint(params, ctx);
      writeFileSync(join(ws.cwd, 'z.json'), zsre(1, 5));
      expect(await entry.fingerprint(params, ctx)).not.toEqual(key); // content, not path
      const corpus = await entry.defaultCorpus!(params, ctx);
      expect(corpus.filter((d) => d.includes('Quorv'))).toEqual([1, 2, 3, 4].map((i) => `Which city is Quorv${i} based in? Bremo${i}.`));
      // The locality probe as the ZsRE metric asks it (loc + "?"), so the model knows what locality checks.
      expect(corpus.filter((d) => d.startsWith('nq question:'))).toEqual([1, 2, 3, 4].map((i) => `nq question: who wrote book ${i}? Author${i}.`));
      const built = (await entry.build!.run(params, { ...ctx, dir: join(ws.cwd, 'build') })) as Record<string, unknown>;
      expect(built['steps']).toBe(3);
      expect(built['heldOutParaphrases']).toMatchObject({ n: 4 }); // the four rephrase prompts, held out of the corpus
      expect(built['trainPrompts']).toMatchObject({ n: 8 }); // each record's fact and its locality probe
      expect(String(built['weightsSha256'])).toMatch(/^[0-9a-f]{64}$/);
      const m = await entry.load(params, { ...ctx, built: built as JsonObject });
      try {
        expect(m.window?.tokens).toBe(128); // the v2 preset's window
      } finally {
        m.dispose();
      }
      // A second build of the same params is the same weights (deterministic seeds).
      const again = (await entry.build!.run(params, { ...ctx, dir: join(ws.cwd, 'build2') })) as Record<string, unknown>;
      expect(again['weightsSha256']).toBe(built['weightsSha256']);
    } finally {
      ws.cleanup();
    }
  }, 120_000);
});
