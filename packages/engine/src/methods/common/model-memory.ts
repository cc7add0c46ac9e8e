// Extra state a memory method keeps beside one model across apply() calls: GRACE's codebook, WISE's side
// memory (README "Adding a method": ctx.onUndo removes it). Sequential editing applies edit after edit to
// the same model, and each apply extends the state the earlier ones left; a fresh model has none. The
// state is keyed by the model object and a name (method id and layer), so two models never share it.
import type { Transformer } from '../../model/transformer';

const memories = new WeakMap<Transformer, Map<string, unknown>>();

/** The state stored under `name` for this model, if any. */
export function modelMemory<T>(model: Transformer, name: string): T | undefined {
  return memories.get(model)?.get(name) as T | undefined;
}

/** Store (or, with undefined, forget) the state under `name` for this model. */
export function setModelMemory<T>(model: Transformer, name: string, value: T | undefined): void {
  let m = memories.get(model);
  if (value === undefined) {
    m?.delete(name);
    return;
  }
  if (!m) memories.set(model, (m = new Map()));
  m.set(name, value);
}

/** Every memory name this model holds (tests: undo leaves none). */
export function modelMemoryNames(model: Transformer): string[] {
  return [...(memories.get(model)?.keys() ?? [])];
}
