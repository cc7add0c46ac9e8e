// The records-per-protocol unit and the apply() calls of each protocol (protocol.ts).
import { describe, expect, it } from 'vitest';
import { chunkSize, editCalls, editGroups, eachColumn, evaluatesEach, groupSize, requestsPerCall } from './protocol';
import { protocolLabel, type Protocol } from './types';

const ten = Array.from({ length: 10 }, (_, i) => i);
const sizes = (xss: readonly (readonly number[])[]) => xss.map((x) => x.length);

describe('protocols', () => {
  it('chunks hold whole sequential runs and batches; an unlearning cell holds the whole forget set', () => {
    expect(chunkSize(50, { kind: 'single' }, 200)).toBe(50);
    expect(chunkSize(50, { kind: 'sequential', T: 100 }, 200)).toBe(100);
    expect(chunkSize(50, { kind: 'batch', size: 16 }, 200)).toBe(64);
    expect(chunkSize(50, { kind: 'unlearn' }, 200)).toBe(200);
    expect(chunkSize(50, { kind: 'unlearn', apply: 'batch', size: 16 }, 30)).toBe(30);
  });

  it('groups are edited together; each group is split into apply() calls', () => {
    const cases: Array<[Protocol, number[], number[]]> = [
      [{ kind: 'single' }, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [1]],
      [{ kind: 'batch', size: 4 }, [4, 4, 2], [4]],
      [{ kind: 'sequential', T: 4 }, [4, 4, 2], [1, 1, 1, 1]],
      [{ kind: 'unlearn' }, [10], [10]],
      [{ kind: 'unlearn', apply: 'all' }, [10], [10]],
      [{ kind: 'unlearn', apply: 'sequential' }, [10], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]],
      [{ kind: 'unlearn', apply: 'batch', size: 4 }, [10], [4, 4, 2]],
    ];
    for (const [p, groups, firstCalls] of cases) {
      const g = editGroups(ten, p);
      expect(sizes(g), protocolLabel(p)).toEqual(groups);
      expect(sizes(editCalls(g[0]!, p)), protocolLabel(p)).toEqual(firstCalls);
      expect(g.flat()).toEqual(ten); // every record once, in order
    }
    expect(groupSize({ kind: 'unlearn' }, 0)).toBe(1); // an empty set never makes a zero-size chunk
    expect(requestsPerCall({ kind: 'unlearn' }, 37)).toBe(37); // the batch a method must accept (maxBatch)
    expect(requestsPerCall({ kind: 'sequential', T: 100 }, 100)).toBe(1);
  });

  it('labels; evalEach only for sequential', () => {
    expect(protocolLabel({ kind: 'sequential', T: 10 })).toBe('sequential(T=10)');
    expect(protocolLabel({ kind: 'sequential', T: 10, evalEach: true })).toBe('sequential(T=10,evalEach)');
    expect(protocolLabel({ kind: 'unlearn' })).toBe('unlearn');
    expect(protocolLabel({ kind: 'unlearn', apply: 'sequential' })).toBe('unlearn(sequential)');
    expect(protocolLabel({ kind: 'unlearn', apply: 'batch', size: 8 })).toBe('unlearn(batch=8)');
    expect(evaluatesEach({ kind: 'sequential', T: 10, evalEach: true })).toBe(true);
    expect(evaluatesEach({ kind: 'sequential', T: 10 })).toBe(false);
    expect(eachColumn('efficacy')).toBe('efficacy@each');
  });
});
