import { expect, it } from 'vitest';
import { lrAt } from './schedule';

it('one schedule: linear warm-up, then cosine to the floor one step after the last (or constant)', () => {
  const s = { warmupSteps: 10, minLrRatio: 0.1 };
  expect(lrAt(1, 0, 110, s)).toBeCloseTo(0.1, 12);
  expect(lrAt(1, 9, 110, s)).toBeCloseTo(1, 12);
  expect(lrAt(1, 10, 110, s)).toBeCloseTo(1, 12);
  expect(lrAt(1, 60, 110, s)).toBeCloseTo(0.55, 12);
  expect(lrAt(1, 109, 110, s)).toBeCloseTo(0.1 + 0.45 * (1 + Math.cos(Math.PI * 0.99)), 12);
  expect(lrAt(1, 110, 110, s)).toBeCloseTo(0.1, 12);
  expect(lrAt(2, 50, 110)).toBe(2);
  expect(lrAt(2, 3, 110, { warmupSteps: 4, constant: true })).toBe(2);
  expect(lrAt(2, 50, 110, { warmupSteps: 4, constant: true })).toBe(2);
});
