import { describe, expect, it } from 'vitest';
import { REFUSAL_POOL } from '@editlab/datasets';
import { pistolQa, worldSource } from './world-source';

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
});
