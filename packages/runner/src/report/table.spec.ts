// Number formatting of table cells (table.ts).
import { describe, expect, it } from 'vitest';
import { formatNumber } from './table';

describe('number formatting', () => {
  it('is fixed: scale, digits, no negative zero, nan for non-finite', () => {
    expect(formatNumber(0.123456, 100, 2)).toBe('12.35');
    expect(formatNumber(-0.0000001, 1, 4)).toBe('0.0000');
    expect(formatNumber(null, 1, 2)).toBe('nan');
    expect(formatNumber(Number.NaN, 1, 2)).toBe('nan');
  });
});
