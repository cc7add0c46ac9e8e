// Runs of the model with hooks, each scoped to the call: (a) cache activations, (b) replace an
// activation by a function of it, (c) gradients of a scalar with respect to activations (a zero probe is
// added at each hook point and the scalar is differentiated with respect to the probes). Nothing
// registered here outlives the call.
import * as tf from '@tensorflow/tfjs';
import type { ForwardOptions, Transformer } from '../model/transformer';
import type { HookContext } from './context';
import { checkHookName, hookShape, type HookName } from './names';

/** Replacement at a hook point: receives the activation, returns one of the same shape. */
export type HookFn = (activation: tf.Tensor, name: HookName) => tf.Tensor;

export type RunOptions = Omit<ForwardOptions, 'hooks' | 'cache'>;

/** Cached activations of one run; the owner disposes them. */
export class ActivationCache {
  private readonly acts = new Map<HookName, tf.Tensor>();

  /** @internal */
  set(name: HookName, t: tf.Tensor): void {
    this.acts.set(name, t);
  }

  get(name: HookName): tf.Tensor {
    const t = this.acts.get(name);
    if (!t) throw new Error(`activation '${name}' was not cached in this run (cached: ${[...this.acts.keys()].join(', ')})`);
    return t;
  }

  has(name: HookName): boolean {
    return this.acts.has(name);
  }

  names(): HookName[] {
    return [...this.acts.keys()];
  }

  dispose(): void {
    for (const t of this.acts.values()) t.dispose();
    this.acts.clear();
  }
}

class HookRun implements HookContext {
  constructor(
    private readonly cacheNames: ReadonlySet<HookName>,
    private readonly cache: ActivationCache | undefined,
    private readonly replace: ReadonlyMap<HookName, HookFn>,
  ) {}

  has(name: HookName): boolean {
    return this.cacheNames.has(name) || this.replace.has(name);
  }

  point(name: HookName, x: tf.Tensor): tf.Tensor {
    const fn = this.replace.get(name);
    let y = x;
    if (fn) {
      y = fn(x, name);
      if (!tf.util.arraysEqual(y.shape, x.shape)) {
        throw new Error(`hook '${name}' returned shape [${y.shape.join(', ')}], expected [${x.shape.join(', ')}]`);
      }
    }
    if (this.cache && this.cacheNames.has(name)) this.cache.set(name, tf.keep(tf.clone(y)));
    return y;
  }
}

function checkAll(model: Transformer, names: Iterable<string>): HookName[] {
  return [...names].map((n) => checkHookName(model.config, n));
}

/** Forward pass that also caches the named activations (after any replacement). */
export function runWithCache(
  model: Transformer,
  ids: tf.Tensor2D,
  names: readonly string[],
  opts: RunOptions & { replace?: Readonly<Record<string, HookFn>> } = {},
): { logits: tf.Tensor3D; cache: ActivationCache } {
  const cache = new ActivationCache();
  const replace = new Map<HookName, HookFn>();
  for (const [n, f] of Object.entries(opts.replace ?? {})) replace.set(checkHookName(model.config, n), f);
  const run = new HookRun(new Set(checkAll(model, names)), cache, replace);
  try {
    const logits = model.forward(ids, { ...opts, hooks: run });
    return { logits, cache };
  } catch (e) {
    cache.dispose();
    throw e;
  }
}

/** Forward pass with activations replaced by functions of themselves. */
export function runWithHooks(
  model: Transformer,
  ids: tf.Tensor2D,
  replace: Readonly<Record<string, HookFn>>,
  opts: RunOptions = {},
): tf.Tensor3D {
  const map = new Map<HookName, HookFn>();
  for (const [n, f] of Object.entries(replace)) map.set(checkHookName(model.config, n), f);
  return model.forward(ids, { ...opts, hooks: new HookRun(new Set(), undefined, map) });
}

/**
 * Value of scalar(logits) and its gradient with respect to each named activation (same shape as the
 * activation). Implemented by adding a zero probe at each point and differentiating w.r.t. the probes.
 */
export function gradsAt(
  model: Transformer,
  ids: tf.Tensor2D,
  names: readonly string[],
  scalar: (logits: tf.Tensor3D) => tf.Scalar,
  opts: RunOptions & { replace?: Readonly<Record<string, HookFn>> } = {},
): { value: number; grads: Map<HookName, tf.Tensor> } {
  const hooks = checkAll(model, names);
  const [B, T] = ids.shape;
  const replace = new Map<HookName, HookFn>();
  for (const [n, f] of Object.entries(opts.replace ?? {})) replace.set(checkHookName(model.config, n), f);
  const probes = hooks.map((h) => tf.zeros(hookShape(model.config, h, B, T)));
  try {
    const { value, grads } = tf.tidy(() =>
      tf.valueAndGrads((...ps: tf.Tensor[]) => {
        const withProbe = new Map(replace);
        hooks.forEach((h, i) => {
          const inner = replace.get(h);
          withProbe.set(h, (x, name) => tf.add(inner ? inner(x, name) : x, ps[i]!));
        });
        const logits = model.forward(ids, { ...opts, hooks: new HookRun(new Set(), undefined, withProbe) });
        return scalar(logits);
      })(probes),
    );
    const v = value.dataSync()[0]!;
    value.dispose();
    return { value: v, grads: new Map(hooks.map((h, i) => [h, grads[i]!])) };
  } finally {
    for (const p of probes) p.dispose();
  }
}
