// The edit memory of a memory-based editor on one model: the entries its applies added, and the inference
// route (model/route.ts; docs/definitions.md §4) that answers queries from them. Every apply adds its entries
// and registers their removal with ctx.onUndo; the route is installed with the first entry and removed with
// the last, so sequential edits accumulate in one memory and undo, in any order, leaves the model bare.
import type { RouteDecision } from '../../../model/route';
import type { Transformer } from '../../../model/transformer';
import type { EditContext } from '../define';

export interface EditMemory<E> {
  readonly entries: readonly E[];
}

const memories = new WeakMap<Transformer, Map<string, { entries: unknown[]; undoRoute: () => void; cache: Map<string, RouteDecision | undefined> }>>();

/**
 * Add entries to the memory `method` keeps on `model` (created, with its route, on first use). `decide(entries,
 * ids)` answers a query from the current entries; its answers are cached per prompt until the entries change.
 */
export function remember<E>(
  model: Transformer,
  method: string,
  entries: readonly E[],
  ctx: Pick<EditContext, 'onUndo'>,
  decide: (entries: readonly E[], ids: readonly number[]) => RouteDecision | undefined,
  key: (ids: readonly number[]) => string,
): EditMemory<E> {
  let byMethod = memories.get(model);
  if (!byMethod) memories.set(model, (byMethod = new Map()));
  let m = byMethod.get(method);
  if (!m) {
    const state = { entries: [] as unknown[], undoRoute: () => {}, cache: new Map<string, RouteDecision | undefined>() };
    state.undoRoute = model.addRoute((ids) => {
      const k = key(ids);
      if (!state.cache.has(k)) state.cache.set(k, decide(state.entries as E[], ids));
      return state.cache.get(k);
    });
    byMethod.set(method, (m = state));
  }
  const mem = m;
  mem.entries.push(...entries);
  mem.cache.clear();
  ctx.onUndo(() => {
    for (const e of entries) {
      const i = mem.entries.indexOf(e);
      if (i >= 0) mem.entries.splice(i, 1);
    }
    mem.cache.clear();
    if (mem.entries.length === 0) {
      mem.undoRoute();
      byMethod!.delete(method);
    }
  });
  return mem as EditMemory<E>;
}

/** Entries `method` keeps on `model` now (tests: undo removes the memory). */
export function memoryOf(model: Transformer, method: string): readonly unknown[] {
  return memories.get(model)?.get(method)?.entries ?? [];
}
