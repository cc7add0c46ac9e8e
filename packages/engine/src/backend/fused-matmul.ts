// _FusedMatMul (tf.fused.matMul: matmul + bias + activation) for wasm. The stock kernel runs the same
// naive loop as stock BatchMatMul for any transposed or batched operand (batch_mat_mul_impl.cc), so it is
// composed here from the engine's BatchMatMul (OpenBLAS or the XNNPACK wrapper) and the stock Add and
// activation kernels. Its gradient (tfjs-core _FusedMatMul_grad) is matMul/sum calls, which land on the
// engine's kernels as well.
import * as tf from '@tensorflow/tfjs';
import { nativeMatMulInto } from './matmul-native';
import type { NativeAddon } from './native';
import { stockKernel } from './replace-kernel';
import { asWasm } from './wasm-internals';

type Act = 'linear' | 'relu' | 'relu6' | 'elu' | 'sigmoid' | 'leakyrelu' | 'prelu';

function kernel(name: string): tf.KernelFunc {
  const k = tf.getKernel(name, 'wasm');
  if (!k) throw new Error(`kernel '${name}' is not registered for wasm`);
  return k.kernelFunc;
}

/** Native path: the bias goes into the sgemm itself (C starts as the bias rows, beta = 1); the activation,
 * if any, runs as the stock kernel. Falls back to the composition for anything else. */
export function fusedMatMulNative(addon: NativeAddon): tf.KernelFunc {
  return (args) => {
    const { a, b, bias } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const { transposeA, transposeB, activation } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean; activation: Act };
    const out = activation === 'linear' ? nativeMatMulInto(addon, args.backend, a!, b!, transposeA, transposeB, bias) : undefined;
    return out ?? fusedMatMulComposed(args);
  };
}

/** EditlabLinear: x [N, k] · w [k, m] + bias [m] as the native `_FusedMatMul` computes it for [1, N, k] · [1, k, m]
 * (the same sgemm call: one batch), so kernels/fused.ts `linearBias` skips three Reshape kernels a projection.
 * The caller sends only products the native path takes (float32, M·N·K ≥ NATIVE_MIN_WORK). */
export function linearNative(addon: NativeAddon): tf.KernelFunc {
  return (args) => {
    const { x, w, bias } = args.inputs as Record<string, tf.TensorInfo>;
    const out = nativeMatMulInto(addon, args.backend, x!, w!, false, false, bias);
    if (!out) throw new Error(`EditlabLinear: [${x!.shape}]·[${w!.shape}] + [${bias!.shape}] is not a native product`);
    return out;
  };
}

export const fusedMatMulComposed: tf.KernelFunc = (args) => {
  const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
  const { transposeA, transposeB, activation, leakyreluAlpha } = args.attrs as unknown as
    { transposeA: boolean; transposeB: boolean; activation: Act; leakyreluAlpha?: number };
  if (a!.dtype !== 'float32' || b!.dtype !== 'float32') return stockKernel('_FusedMatMul', 'wasm').kernelFunc(args);
  const backend = args.backend;
  const wasm = asWasm(backend);
  let out = kernel('BatchMatMul')({ inputs: { a: a!, b: b! }, backend, attrs: { transposeA, transposeB } }) as tf.TensorInfo;
  const then = (name: string, inputs: Record<string, tf.TensorInfo>, attrs: Record<string, unknown> = {}) => {
    const next = kernel(name)({ inputs, backend, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
    wasm.disposeData(out.dataId);
    out = next;
  };
  if (bias) then('Add', { a: out, b: bias });
  switch (activation) {
    case 'linear': break;
    case 'relu': then('Relu', { x: out }); break;
    case 'relu6': then('Relu6', { x: out }); break;
    case 'elu': then('Elu', { x: out }); break;
    case 'sigmoid': then('Sigmoid', { x: out }); break;
    case 'leakyrelu': then('LeakyRelu', { x: out }, { alpha: leakyreluAlpha ?? 0.2 }); break;
    case 'prelu': then('Prelu', { x: out, alpha: preluActivationWeights! }); break;
    default: throw new Error(`_FusedMatMul: activation '${String(activation)}' is not supported on wasm`);
  }
  return out;
};
