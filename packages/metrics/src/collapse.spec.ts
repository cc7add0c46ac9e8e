import { describe, expect, it } from 'vitest';
import { collapseFlag } from './collapse';

describe('collapseFlag', () => {
  it('flags only when retain ROUGE and fluency are both low (mode all); any flags on either', () => {
    expect(collapseFlag({ retainRouge: 0.02, fluency: 10 }).collapsed).toBe(true);
    expect(collapseFlag({ retainRouge: 0.02, fluency: 500 }).collapsed).toBe(false);
    expect(collapseFlag({ retainRouge: 0.02, fluency: 500 }, { mode: 'any' }).reasons).toEqual(['retain ROUGE 0.020 < 0.1']);
    expect(collapseFlag({ retainRouge: Number.NaN, fluency: Number.NaN }).collapsed).toBe(true);
  });
});
