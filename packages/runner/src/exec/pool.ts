// Loaded models, reused across cells. A cell takes an instance for its whole run and gives it back
// after its last undo; an instance whose cell failed is disposed (its weights may be half-edited),
// and concurrent cells never share one.
import type { LoadedModel, Registries, RunContext } from '../registries';
import type { AxisVariant } from '../plan/expand';
import type { JsonValue } from '../util/json';

export class ModelPool {
  private readonly free = new Map<number, LoadedModel[]>();
  private readonly all = new Set<LoadedModel>();
  loads = 0;

  constructor(
    private readonly models: readonly AxisVariant[],
    private readonly reg: Registries,
    private readonly ctx: RunContext,
    /** What each model's build stage produced (undefined when the entry has none). */
    private readonly built: (modelIndex: number) => JsonValue | undefined = () => undefined,
  ) {}

  async acquire(modelIndex: number): Promise<LoadedModel> {
    const ready = this.free.get(modelIndex)?.pop();
    if (ready) return ready;
    const item = this.models[modelIndex]!;
    const built = this.built(modelIndex);
    const m = await this.reg.models.get(item.id)!.load(item.params, { ...this.ctx, ...(built !== undefined ? { built } : {}) });
    this.loads++;
    this.all.add(m);
    return m;
  }

  release(modelIndex: number, m: LoadedModel): void {
    const list = this.free.get(modelIndex) ?? [];
    list.push(m);
    this.free.set(modelIndex, list);
  }

  discard(m: LoadedModel): void {
    this.all.delete(m);
    m.dispose();
  }

  disposeAll(): void {
    for (const m of this.all) m.dispose();
    this.all.clear();
    this.free.clear();
  }
}
