// Corpus → training rows. Each document is tokenized once and ends with EOS; an epoch shuffles the
// documents with a seeded PRNG and packs them greedily into rows of T+1 tokens (inputs = row[0..T),
// targets = row[1..T]) without splitting a document across rows unless it is longer than a row.
// Every row starts at a document boundary, so the model sees "fact at position 0" (how prompts are
// evaluated) as well as facts after other documents. Padding is masked out of the loss.
import { Rng } from '@editlab/engine';

export interface PackedRow {
  /** T+1 token ids. */
  readonly ids: Int32Array;
  /** T loss weights for targets ids[1..T] (1 = real token, 0 = padding). */
  readonly mask: Float32Array;
}

export interface PackOptions {
  /** Sequence length T of the model input. */
  readonly seqLen: number;
  readonly padId: number;
}

/** Split documents longer than a row into row-sized pieces (T+1 tokens each, overlapping by one). */
function pieces(doc: readonly number[], width: number): number[][] {
  if (doc.length <= width) return [doc.slice()];
  const out: number[][] = [];
  for (let s = 0; s < doc.length - 1; s += width - 1) out.push(doc.slice(s, s + width));
  return out;
}

/** Pack documents (token ids, EOS included) in the given order into rows of seqLen+1 tokens. */
export function packRows(docs: readonly (readonly number[])[], order: readonly number[], o: PackOptions): PackedRow[] {
  const width = o.seqLen + 1;
  const rows: PackedRow[] = [];
  let cur: number[] = [];
  const flush = (): void => {
    if (cur.length < 2) { cur = []; return; }
    const ids = new Int32Array(width).fill(o.padId);
    ids.set(cur);
    const mask = new Float32Array(o.seqLen);
    mask.fill(1, 0, cur.length - 1);
    rows.push({ ids, mask });
    cur = [];
  };
  for (const i of order) {
    for (const p of pieces(docs[i]!, width)) {
      if (cur.length + p.length > width) flush();
      cur.push(...p);
    }
  }
  flush();
  return rows;
}

/** The rows of epoch `epoch`: documents shuffled by a PRNG seeded from (seed, epoch). */
export function epochRows(docs: readonly (readonly number[])[], seed: number, epoch: number, o: PackOptions): PackedRow[] {
  const rng = new Rng((seed ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0);
  return packRows(docs, rng.shuffle(docs.map((_, i) => i)), o);
}

/**
 * An endless, resumable stream of batches over epochs. The cursor (epoch, row) is all the state:
 * a resumed run rebuilds the epoch's packing from the seed and continues at the same row.
 */
export class RowStream {
  private rows: PackedRow[];
  constructor(
    private readonly docs: readonly (readonly number[])[],
    private readonly seed: number,
    private readonly o: PackOptions,
    public epoch = 0,
    public row = 0,
  ) {
    this.rows = epochRows(docs, seed, epoch, o);
  }

  /** Rows in the current epoch (the packing differs slightly between epochs). */
  get rowsPerEpoch(): number {
    return this.rows.length;
  }

  nextBatch(batchSize: number): PackedRow[] {
    const out: PackedRow[] = [];
    while (out.length < batchSize) {
      if (this.row >= this.rows.length) {
        this.epoch++;
        this.row = 0;
        this.rows = epochRows(this.docs, this.seed, this.epoch, this.o);
      }
      out.push(this.rows[this.row++]!);
    }
    return out;
  }
}
