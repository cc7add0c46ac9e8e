// Forgetting by parametric arithmetic (F-Learning, Ni et al. ACL 2024, "Forgetting before Learning:
// Utilizing Parametric Arithmetic for Knowledge Updating in LLMs", §3): fine-tune on the OLD knowledge,
//   θ_Δ^old = FT(θ, K_old) − θ,   θ' = θ − λ·θ_Δ^old,
// then (the caller) fine-tune θ' on the new knowledge. Done in place: the caller's snapshot holds θ = W₀,
// so no model copy is needed; the arithmetic runs on the float32 values in JS.
import * as tf from '@tensorflow/tfjs';
import type { Transformer } from '../../model/transformer';
import type { TokenExample } from '../../train/batch';
import { runPhase, type OptimizerKind } from './phase';
import type { Snapshot } from './snapshot';

export interface ArithmeticForgetOptions {
  readonly method: string;
  readonly names: readonly string[];
  readonly steps: number;
  readonly lr: number;
  readonly lambda: number;
  readonly optimizer: OptimizerKind;
  readonly seed: number;
}

/**
 * Returns the NLL(old) of each fine-tuning step. No early stopping: the model already knows the old fact
 * (NLL ≈ 0), so a loss threshold would end the fine-tune at once; a fixed step budget sets |Δ_old|.
 */
export function arithmeticForget(model: Transformer, snap: Snapshot, oldExamples: readonly TokenExample[], o: ArithmeticForgetOptions): number[] {
  const losses = runPhase(model, oldExamples, {
    method: o.method, phase: 'forget', params: o.names, steps: o.steps, lr: o.lr, optimizer: o.optimizer, seed: o.seed,
  });
  for (const name of o.names) {
    const v = model.param(name);
    const w0 = snap.initial(name);
    const wft = v.dataSync() as Float32Array;
    const out = new Float32Array(w0.length);
    for (let i = 0; i < out.length; i++) out[i] = w0[i]! - o.lambda * (wft[i]! - w0[i]!);
    const t = tf.tensor(out, v.shape, 'float32');
    v.assign(t);
    t.dispose();
  }
  return losses;
}
