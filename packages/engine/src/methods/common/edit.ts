// The frame every method's apply() runs in: snapshot the parameters it will train, time the edit, and
// on any error (a diverged loss included) restore them before rethrowing, so a failed apply leaves the
// model as it found it. Returns the EditResult contract: undo (bit-identical, idempotent) + stats.
import type { EditModel, EditRequest, EditResult } from '../editor';
import { MethodInputError } from './errors';
import { takeSnapshot, type Snapshot } from './snapshot';

export type PhaseLosses = { forget: number[]; learn: number[] };

export function runEdit(model: EditModel, names: readonly string[], body: (snap: Snapshot) => PhaseLosses): EditResult {
  const t0 = performance.now();
  const snap = takeSnapshot(model.transformer, names);
  let losses: PhaseLosses;
  try {
    losses = body(snap);
  } catch (e) {
    snap.restore();
    throw e;
  }
  const wallMs = performance.now() - t0;
  // The undo copy is not "extra state the edited model keeps" (BRIEF "Cost"): the edited model itself
  // carries nothing beyond its own parameters, so extraParams/extraBytes are 0.
  return { undo: () => snap.restore(), stats: { wallMs, extraParams: 0, extraBytes: 0, losses } };
}

export function checkBatch(method: string, requests: readonly EditRequest[], maxBatch: number | undefined): void {
  if (requests.length === 0) throw new MethodInputError(`${method}: no requests to edit`);
  if (maxBatch !== undefined && requests.length > maxBatch) {
    throw new MethodInputError(`${method}: ${requests.length} requests in one apply(), but this method edits at most ${maxBatch} at a time (maxBatch)`);
  }
}
