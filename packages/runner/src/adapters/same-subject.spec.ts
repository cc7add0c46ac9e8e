// The world tuning split's same-subject probes (TuningRecord.sameSubject, adapters/edit-datasets.ts): each tuning
// edit's subject with its other facts, as KnowEdit's Relation_Specificity asks them — what SERAC's
// scopeSubjectNegatives (the cause test of ForGet F-T6c) gives its scope classifier as out-of-scope prompts.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildWorld, tuningView } from '@editlab/datasets';
import { worldCounterfact, editFile } from './edit-datasets';
import { tmpWorkspace } from '../testing/tmp';

const ctx = { seed: 0, specDir: '.' };

describe('same-subject probes of a tuning split', () => {
  it('name the tuning edit\'s subject, ask its other relations and answer with the world\'s objects', async () => {
    const tuning = await worldCounterfact.tuning!({ n: 50, offset: 0 }, ctx);
    const w = tuningView(buildWorld(1, 'default', {}, { version: 2 }));
    const objects = new Set(w.facts.map((f) => ` ${w.entity(f.object).name}`));
    let probes = 0;
    for (const t of tuning) {
      const r = t.request as { prompt: string; subject: string };
      for (const q of t.sameSubject ?? []) {
        expect(q.prompt).toContain(r.subject);
        expect(q.prompt).not.toBe(r.prompt);
        expect(objects.has(q.target)).toBe(true);
        probes++;
      }
    }
    expect(tuning.filter((t) => (t.sameSubject?.length ?? 0) > 0).length).toBeGreaterThan(40); // world subjects have several facts
    expect(probes).toBeGreaterThan(tuning.length);
  });

  it('a real file\'s tuning split has none (the file does not say what else its subjects are known for)', async () => {
    const ws = tmpWorkspace({});
    try {
      const recs = [0, 1, 2].map((i) => ({ subject: `S${i}`, src: `Where is S${i}?`, rephrase: `S${i} is where?`, alt: `A${i}`, answers: [`B${i}`], loc: `nq question: q${i}`, loc_ans: `L${i}`, cond: '' }));
      writeFileSync(join(ws.cwd, 'z.json'), JSON.stringify(recs));
      const tuning = await editFile.tuning!({ path: 'z.json', tuningRecords: 2, offset: 2 }, { seed: 0, specDir: ws.cwd });
      expect(tuning).toHaveLength(2);
      expect(tuning.every((t) => t.sameSubject === undefined)).toBe(true);
    } finally {
      ws.cleanup();
    }
  });
});
