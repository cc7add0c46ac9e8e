import { describe, expect, it } from 'vitest';
import { REFUSAL_POOL } from '@editlab/datasets';
import { pistolQa, worldSource } from './world-source';
import { sourceFromProvenance, type Provenance } from './provenance';
import { defaultParts } from './default-parts';

describe('worldSource versions', () => {
  it('version 1 by default (what the committed checkpoints were trained on); version 2 teaches and scores named refusals', () => {
    const v1 = worldSource(7, 'tiny');
    expect(v1.description).toBe(worldSource(7, 'tiny', 1, 1).description);
    expect(v1.description).not.toMatch(/version/);
    expect(v1.refusalPool).toEqual(REFUSAL_POOL);
    const v2 = worldSource(7, 'tiny', 1, 2);
    expect(v2.description).toMatch(/size tiny, version 2: 180 facts/);
    expect(v2.refusalPool.length).toBeGreaterThan(REFUSAL_POOL.length);
    expect(v2.corpus.some((d) => /\nAnswer: I (have no information about|don't know|'m not aware of) [A-Z]\w+ [A-Z]\w+'s /.test(d))).toBe(true);
    expect(v2.corpus.length).toBeGreaterThan(v1.corpus.length);
    expect(pistolQa(7, 'tiny', 2).length).toBe(pistolQa(7, 'tiny').length);
  });

  it('refusalExtraQuestions adds refusal documents about the extra absent people and changes nothing else', () => {
    const base = worldSource(7, 'tiny', 1, 2);
    const more = worldSource(7, 'tiny', 1, 2, 2);
    expect(worldSource(7, 'tiny', 1, 2, 1).corpus).toEqual(base.corpus); // the tiny size preset's own value
    // The tiny world has 40 extra absent people, one refusal question each by default: 40 more documents.
    expect(more.corpus.length).toBe(base.corpus.length + 40);
    const added = more.corpus.filter((d) => !new Set(base.corpus).has(d));
    expect(added.length).toBeGreaterThanOrEqual(40);
    for (const d of added) expect(d).toMatch(/^Question: .*\nAnswer: /);
    for (const k of ['trainProbes', 'heldOutProbes', 'qaProbes', 'refusalPrompts', 'generationPrompts', 'refusalPool'] as const) {
      expect(more[k]).toEqual(base[k]);
    }
    expect(more.description).toMatch(/; 2 refusal question\(s\) per extra absent person\)$/);
    // A checkpoint's provenance records the option, and the corpus is rebuilt from it.
    const prov = { world: { seed: 7, size: 'tiny', refusalRepeats: 1, version: 2, refusalExtraQuestions: 2 } } as unknown as Provenance;
    expect(sourceFromProvenance(defaultParts, prov).corpus).toEqual(more.corpus);
  });
});
