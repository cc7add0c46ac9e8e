// The batches a training loop draws, one per named stream and step. An objective over paired data
// (forget/retain, chosen/rejected, old/new) reads several streams; each cycles through its own
// examples epoch after epoch, shuffled by its own seeded Rng, so streams of different lengths pair up
// deterministically for a seed (a short retain set simply starts its next epoch sooner).
import { hashString, Rng } from '../model/prng';
import { ModelConfigError } from '../model/errors';
import { checkIds } from '../score/pack';
import { disposeBatch, makeBatch, type Batch, type TokenExample } from './batch';

/** An endless source of batches. The stream owns the batch it returns until its next call or dispose(). */
export interface BatchStream {
  next(): Batch;
  dispose(): void;
}

export interface ExampleStreamOptions {
  /** Examples per batch (default: all of them: one full batch per step). */
  readonly batchSize?: number;
  /** Seed of the shuffling Rng. */
  readonly seed: number;
  /** Shuffle the examples every epoch (default true). */
  readonly shuffle?: boolean;
  /** Token id of right padding (default 0; padded positions carry no loss). */
  readonly padId?: number;
  /** Check every token id against the model's vocabulary (a clear error instead of a kernel fault). */
  readonly vocabSize?: number;
}

function checkExamples(examples: readonly TokenExample[], vocabSize: number | undefined): void {
  if (examples.length === 0) throw new ModelConfigError('training stream: no examples');
  if (vocabSize !== undefined) checkIds(examples.map((e) => e.ids), vocabSize, 'training example');
}

/** Batches of at most batchSize examples (the last of an epoch may be smaller), epoch after epoch. */
export function exampleStream(examples: readonly TokenExample[], o: ExampleStreamOptions): BatchStream {
  checkExamples(examples, o.vocabSize);
  const batchSize = Math.min(o.batchSize ?? examples.length, examples.length);
  const rng = new Rng(o.seed);
  let order: TokenExample[] = [];
  let at = 0;
  let current: Batch | undefined;
  const release = (): void => {
    if (current) disposeBatch(current);
    current = undefined;
  };
  return {
    next() {
      release();
      if (at >= order.length) {
        order = (o.shuffle ?? true) ? rng.shuffle(examples) : examples.slice();
        at = 0;
      }
      current = makeBatch(order.slice(at, at + batchSize), o.padId ?? 0);
      at += batchSize;
      return current;
    },
    dispose: release,
  };
}

/** The same batch of every example, in the given order, at every step (built once). */
export function fixedStream(examples: readonly TokenExample[], o: Pick<ExampleStreamOptions, 'padId' | 'vocabSize'> = {}): BatchStream {
  checkExamples(examples, o.vocabSize);
  let batch: Batch | undefined;
  return {
    next: () => (batch ??= makeBatch(examples, o.padId ?? 0)),
    dispose() {
      if (batch) disposeBatch(batch);
      batch = undefined;
    },
  };
}

/**
 * One example stream per named set (e.g. { forget, retain } or { chosen, rejected }), each shuffled by a
 * seed derived from (name, seed), so adding or resizing one set leaves the others' order unchanged.
 */
export function pairedStreams(
  sets: Readonly<Record<string, readonly TokenExample[]>>,
  o: Omit<ExampleStreamOptions, 'seed'> & { readonly seed: number },
): Record<string, BatchStream> {
  return Object.fromEntries(Object.entries(sets).map(([name, ex]) => [name, exampleStream(ex, { ...o, seed: hashString(name, o.seed) })]));
}

/** Steps in `epochs` passes over `n` examples at batchSize (a paired objective counts its anchor stream). */
export function epochSteps(n: number, batchSize: number | undefined, epochs = 1): number {
  return epochs * Math.ceil(n / Math.min(batchSize ?? n, n));
}
