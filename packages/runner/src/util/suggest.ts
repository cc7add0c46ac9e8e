// "did you mean …" hints from edit distance (Levenshtein, via fastest-levenshtein).
import { distance } from 'fastest-levenshtein';

/** The closest candidates to `value` within a distance that scales with its length, best first. */
export function closest(value: string, candidates: readonly string[], max = 3): string[] {
  const limit = Math.max(2, Math.ceil(value.length / 3));
  return candidates
    .map((c) => ({ c, d: distance(value.toLowerCase(), c.toLowerCase()) }))
    .filter(({ d }) => d <= limit)
    .sort((a, b) => a.d - b.d || (a.c < b.c ? -1 : 1))
    .slice(0, max)
    .map(({ c }) => c);
}

/** "did you mean 'x'?" when something is close, else "allowed: a, b, c" (or undefined if none). */
export function hintFor(value: string, candidates: readonly string[]): string | undefined {
  const near = closest(value, candidates);
  if (near.length) return `did you mean ${near.map((n) => `'${n}'`).join(' or ')}?`;
  if (!candidates.length) return undefined;
  const shown = candidates.slice(0, 16).join(', ');
  return `allowed: ${shown}${candidates.length > 16 ? `, … (${candidates.length} in all)` : ''}`;
}
