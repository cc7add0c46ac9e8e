// GRACE's codebook (Hartvigsen et al. 2023, "Aging with GRACE", §3 and Alg. 1; EasyEdit
// models/grace/GRACE.py GRACEAdapter): entries (key, value, ε, label) at one layer. A key is the W_out input
// at the last prompt token; its value replaces W_out's output wherever a query lies within ε of the
// nearest key. This file holds the entries and the codebook update of an edit (the rule GRACE applies at
// its first training iteration); grace.ts trains the values and installs the adaptor.

export interface CodebookEntry {
  readonly key: Float32Array;
  readonly value: Float32Array;
  /** Deferral radius ε of this key. */
  readonly eps: number;
  /** Target token ids of the edit that made the entry: "same label" means the same ids. */
  readonly label: readonly number[];
}

function distance(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    s += d * d;
  }
  return Math.sqrt(s);
}

/** Index and distance of the key nearest to q (−1 for an empty codebook); ties go to the earlier key. */
export function nearestKey(entries: readonly CodebookEntry[], q: Float32Array): { index: number; dist: number } {
  let index = -1;
  let dist = Infinity;
  entries.forEach((e, i) => {
    const d = distance(e.key, q);
    if (d < dist) [index, dist] = [i, d];
  });
  return { index, dist };
}

const sameLabel = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export type CodebookUpdate = 'added' | 'split' | 'expanded' | 'within';

/**
 * The codebook after an edit with query key q and target label (GRACE.py forward at iteration 0; REFERENCE
 * notes in docs/grace-wise.md "GRACE"), with d the distance to the nearest key k* of radius ε*:
 *   - no key, or d > ε_init + ε*: add (q, init value, ε_init);
 *   - else, another label: add (q, init value, d/2) and shrink ε* to d/2 − 1e-5 (the two balls split);
 *   - else (same label), d > ε*: grow ε* to d ("coverage" expansion), no new key;
 *   - else: q already lies in k*'s ball, nothing changes.
 * The entry to train is then the key nearest to q (the new key, or k* when none was added).
 */
export function updateCodebook(
  entries: readonly CodebookEntry[],
  q: Float32Array,
  label: readonly number[],
  initValue: () => Float32Array,
  epsInit: number,
): { entries: CodebookEntry[]; kind: CodebookUpdate; train: number } {
  const out = entries.slice();
  const { index, dist } = nearestKey(entries, q);
  const add = (eps: number) => out.push({ key: q, value: initValue(), eps, label });
  let kind: CodebookUpdate;
  if (index < 0 || dist > epsInit + entries[index]!.eps) {
    add(epsInit);
    kind = 'added';
  } else if (!sameLabel(label, entries[index]!.label)) {
    out[index] = { ...entries[index]!, eps: dist / 2 - 1e-5 };
    add(dist / 2);
    kind = 'split';
  } else if (dist > entries[index]!.eps) {
    out[index] = { ...entries[index]!, eps: dist };
    kind = 'expanded';
  } else {
    kind = 'within';
  }
  return { entries: out, kind, train: kind === 'added' || kind === 'split' ? out.length - 1 : index };
}
