// Adam with one fused kernel per variable (Kingma & Ba 2015, Algorithm 1), a drop-in subclass of tfjs's
// AdamOptimizer: same state (moments `<name>/m`, `<name>/v`, accBeta1/2), same getWeights/setWeights, same
// operation order, so results agree with tf.train.adam to float rounding. It replaces ~12 tfjs kernels per
// variable and step (mul, add, square, div, sqrt, assign ...) with one pass. Without the fused kernel
// (other backends, no native addon) it is tf.train.adam.
import * as tf from '@tensorflow/tfjs';
import { FUSED_KERNELS } from './names';

type GradArg = Parameters<tf.AdamOptimizer['applyGradients']>[0];
type NamedGrad = { name: string; tensor: tf.Tensor };

interface Moment { originalName: string; variable: tf.Variable }

/** The protected state of tfjs's AdamOptimizer that the fused step reads and updates. */
interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Moment[];
  accumulatedSecondMoment: Moment[];
  incrementIterations(): void;
}

export class FusedAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: GradArg): void {
    if (!tf.getKernel(FUSED_KERNELS.adam, tf.getBackend())) {
      super.applyGradients(variableGradients);
      return;
    }
    const s = this as unknown as AdamState;
    const list = Array.isArray(variableGradients);
    const names = list ? (variableGradients as NamedGrad[]).map((v) => v.name) : Object.keys(variableGradients);
    // 1 − β^t, read back from the optimizer's own scalars (wasm readSync is a heap read).
    const c1 = 1 - s.accBeta1.dataSync()[0]!;
    const c2 = 1 - s.accBeta2.dataSync()[0]!;
    names.forEach((name, i) => {
      const value = tf.engine().registeredVariables[name]!;
      s.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      s.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      const g = list ? (variableGradients as NamedGrad[])[i]!.tensor : (variableGradients as Record<string, tf.Tensor>)[name];
      if (g == null) return;
      const m = s.accumulatedFirstMoment[i]!.variable;
      const v = s.accumulatedSecondMoment[i]!.variable;
      const [p2, m2, v2] = tf.engine().runKernel(FUSED_KERNELS.adam, { p: value, m, v, g } as unknown as tf.NamedTensorMap,
        { lr: s.learningRate, beta1: s.beta1, beta2: s.beta2, eps: s.epsilon, c1, c2 } as unknown as tf.NamedAttrMap) as tf.Tensor[];
      m.assign(m2!);
      v.assign(v2!);
      value.assign(p2!);
      tf.dispose([p2!, m2!, v2!]);
    });
    tf.tidy(() => {
      s.accBeta1.assign(tf.mul(s.accBeta1, s.beta1));
      s.accBeta2.assign(tf.mul(s.accBeta2, s.beta2));
    });
    s.incrementIterations();
  }
}

/** Adam as tf.train.adam(learningRate, beta1, beta2, epsilon), with the fused update where available. */
export function adam(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon?: number): tf.AdamOptimizer {
  return new FusedAdamOptimizer(learningRate, beta1, beta2, epsilon);
}
