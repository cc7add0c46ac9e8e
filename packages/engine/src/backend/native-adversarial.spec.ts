// Every kernel the native addon exports, on adversarial inputs (signed zeros, subnormals, the smallest
// normal, huge magnitudes, ±inf, NaN, exp over/underflow, mixed), against its reference composition of
// stock tfjs ops (kernels/reference.ts; tf.train.adam for the Adam step) on the cpu backend: NaN exactly
// where the reference is NaN, the same infinities, finite values within a tight tolerance. The addon is
// built without fast-math (native/binding.gyp); under -ffast-math on AVX-512 the Adam step was NaN for
// gradients whose square is subnormal, which the last test pins down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from './index';
import { loadNativeAddon } from './native';
import { registerWasmKernels } from './register';
import { ADVERSARIAL, ieeeMismatches, onBackend } from './testing';
import type { IeeeTolerance } from './testing';
import * as fused from '../kernels/fused';
import * as ref from '../kernels/reference';
import { FUSED_KERNELS } from '../kernels/names';
import { adam } from '../kernels/adam';

const native = loadNativeAddon();
const skip = native.addon ? undefined : native.reason;
const title = (s: string) => (skip ? `${s} (SKIPPED: ${skip})` : s);

const A = ADVERSARIAL;
const N = A.length;
/** `count` values cycling through the adversarial list from `offset` (with stride coprime to N). */
const cycle = (count: number, offset: number, stride = 1) => Float32Array.from({ length: count }, (_, i) => A[(offset + i * stride) % N]!);
const show = (...xs: ArrayLike<number>[]) => (i: number) => xs.map((x) => String(x[i % x.length])).join(', ');

/** Run f on wasm (native kernels) and on cpu (reference), and compare every output. */
async function agree(name: string, f: { native: () => tf.Tensor[]; reference: () => tf.Tensor[] }, tol: IeeeTolerance | ((out: number) => IeeeTolerance) = {}, inputs?: (i: number) => string): Promise<void> {
  const got = await onBackend('wasm', f.native);
  const want = await onBackend('cpu', f.reference);
  expect(got.length, name).toBe(want.length);
  got.forEach((g, j) => expect(ieeeMismatches(g, want[j]!, typeof tol === 'function' ? tol(j) : tol, inputs), `${name} output ${j}`).toEqual([]));
}

const t = (vals: Float32Array, shape: number[]) => tf.tensor(vals, shape, 'float32');

describe.skipIf(skip !== undefined)('native kernels on adversarial inputs vs the reference compositions', () => {
  beforeAll(async () => { await initBackend('wasm'); registerWasmKernels(); });
  afterAll(() => { registerWasmKernels(); });

  it(title('the addon was built without fast-math'), () => {
    const info = JSON.parse(native.addon!.buildInfo!()) as { cflags: string; iec559: number };
    expect(info.cflags).not.toMatch(/fast-math|finite-math|reciprocal-math|unsafe-math|-Ofast|no-signed-zeros/);
    expect(info.iec559).toBe(2);
  });

  it(title('unary Tanh, Exp (replacing the stock wasm kernels), on every special value'), async () => {
    const x = cycle(N, 0);
    for (const op of [tf.tanh, tf.exp]) {
      await agree(op.name, { native: () => [op(t(x, [N]))], reference: () => [op(t(x, [N]))] }, {}, show(x));
    }
  });

  it(title('GELU and its gradient'), async () => {
    const x = cycle(N, 0);
    const dy = cycle(N, 7, 5);
    // d gelu/dx in float64 (native/src/eltwise.c el_gelu_grad), for the reference's inf·0 NaNs.
    const exact = Array.from(x, (v, i) => {
      const c = Math.sqrt(2 / Math.PI), th = Math.tanh(c * (v + 0.044715 * v ** 3));
      const d = Math.abs(v) > 1e10 ? (v > 0 ? 1 : 0) : 0.5 * (1 + th) + 0.5 * v * (1 - th * th) * c * (1 + 3 * 0.044715 * v * v);
      return dy[i]! * d;
    });
    // The gradient is a difference of O(1) terms (cancellation near x ≈ −0.75): bound |dy|·(1 + |dx/dy|).
    const bound = exact.map((e, i) => Math.abs(dy[i]!) + Math.abs(e));
    await agree('gelu', {
      native: () => [fused.gelu(t(x, [N])), tf.engine().runKernel(FUSED_KERNELS.geluGrad, { x: t(x, [N]), dy: t(dy, [N]) }) as tf.Tensor],
      reference: () => [ref.gelu(t(x, [N])), tf.grad((z: tf.Tensor) => ref.gelu(z))(t(x, [N]), t(dy, [N]))],
    }, (j) => (j === 0 ? {} : { bound, oracle: exact }), show(x, dy));
  });

  it(title('GELU for training keeps the tanh: y and the gradient from the kept tanh are the bits of the plain kernels'), async () => {
    // The adversarial values, then 200,001 points on [-12, 12] (GELU's whole working range, every branch of tanhf).
    const x = Float32Array.from([...cycle(N, 0), ...Array.from({ length: 200_001 }, (_, i) => -12 + i * 1.2e-4)]);
    const dy = Float32Array.from(x, (_, i) => A[(i * 5 + 7) % N]!);
    const S = [x.length];
    const [kept, plain] = await onBackend('wasm', () => {
      const [y, th] = tf.engine().runKernel(FUSED_KERNELS.geluKeep, { x: t(x, S) }) as tf.Tensor[];
      const dxKept = tf.engine().runKernel(FUSED_KERNELS.geluGrad, { x: t(x, S), t: th!, dy: t(dy, S) }) as tf.Tensor;
      const yPlain = tf.engine().runKernel(FUSED_KERNELS.gelu, { x: t(x, S) }) as tf.Tensor;
      const dxPlain = tf.engine().runKernel(FUSED_KERNELS.geluGrad, { x: t(x, S), dy: t(dy, S) }) as tf.Tensor;
      const taped = tf.grad((z: tf.Tensor) => fused.gelu(z))(t(x, S), t(dy, S)); // the op under the tape: keep, then grad
      return [tf.concat([y!, dxKept, taped]), tf.concat([yPlain, dxPlain, dxPlain])];
    });
    expect(kept!.length).toBe(3 * x.length);
    expect(Buffer.from(kept!.buffer).equals(Buffer.from(plain!.buffer))).toBe(true);
  });

  it(title('SwiGLU and its gradient, every pair of special values'), async () => {
    const g = Float32Array.from({ length: N * N }, (_, i) => A[Math.floor(i / N)]!);
    const u = Float32Array.from({ length: N * N }, (_, i) => A[i % N]!);
    const dy = cycle(N * N, 3, 7);
    const S = [N * N];
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    // dg = dy·u·σ(g)·(1 + g·(1 − σ(g))), du = dy·g·σ(g) in float64, for the reference's inf·0 NaNs.
    const dg = Array.from(g, (v, i) => dy[i]! * u[i]! * sig(v) * (1 + (Number.isFinite(v) ? v * (1 - sig(v)) : 0)));
    const du = Array.from(g, (v, i) => dy[i]! * (v === -Infinity ? 0 : v * sig(v)));
    // Products of four factors round (and under/overflow) in a different order than the reference's
    // chain rule: finite errors are bounded relative to the operands, |dy·u|·max|silu'| and |dy·g|.
    const bounds = [undefined, Array.from(u, (x, i) => 1.1 * Math.abs(dy[i]! * x)), Array.from(g, (x, i) => Math.abs(dy[i]! * x))];
    await agree('swiglu', {
      native: () => [fused.swiglu(t(g, S), t(u, S)), ...(tf.engine().runKernel(FUSED_KERNELS.swigluGrad, { gate: t(g, S), up: t(u, S), dy: t(dy, S) }) as tf.Tensor[])],
      reference: () => [ref.swiglu(t(g, S), t(u, S)), ...tf.grads((p: tf.Tensor, q: tf.Tensor) => ref.swiglu(p, q))([t(g, S), t(u, S)], t(dy, S))],
    }, (j) => (j === 0 ? {} : { oracle: j === 1 ? dg : du, bound: bounds[j]! }), show(g, u, dy));
  });

  it(title('RoPE and its gradient (x, cos, sin all adversarial)'), async () => {
    const [B, T, H, dh] = [1, N, 2, 4];
    const x = cycle(B * T * H * dh, 0), c = cycle(B * T * dh, 5, 3), s = cycle(B * T * dh, 11, 7), dy = cycle(B * T * H * dh, 2, 11);
    const X = [B, T, H, dh], C = [B, T, 1, dh];
    const inputs = () => [t(x, X), t(c, C), t(s, C)] as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
    await agree('rope', {
      native: () => [fused.rope(...inputs()), ...(tf.engine().runKernel(FUSED_KERNELS.ropeGrad, { x: t(x, X), cos: t(c, C), sin: t(s, C), dy: t(dy, X) }) as tf.Tensor[])],
      reference: () => [ref.rope(...inputs()), ...tf.grads((p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => ref.rope(p as tf.Tensor4D, q as tf.Tensor4D, r as tf.Tensor4D))(inputs(), t(dy, X))],
    }, (j) => (j === 0 ? {} : { scaleFloor: 1e-6 }));
  });

  it(title('Sum over leading and trailing axes (bias gradients, softmax denominators)'), async () => {
    // Rows of ordinary values with one special value each, a row of subnormals only, a row of huge values.
    const rows = N + 2, cols = 6;
    const x = Float32Array.from({ length: rows * cols }, (_, i) => {
      const r = Math.floor(i / cols), k = i % cols;
      if (r === N) return A[2 + (k % 5)]!; // subnormals and tiny normals
      if (r === N + 1) return k % 2 ? 1e38 : 3e38; // overflows to +inf
      return k === r % cols ? A[r]! : (k + 1) * 0.25;
    });
    const abs = x.map(Math.abs);
    for (const axis of [0, 1]) {
      const bound = await onBackend('cpu', () => [tf.sum(t(abs, [rows, cols]), axis)]);
      await agree(`sum axis ${axis}`, { native: () => [tf.sum(t(x, [rows, cols]), axis)], reference: () => [tf.sum(t(x, [rows, cols]), axis)] }, { bound: bound[0]! });
    }
  });

  it(title('sgemm (BatchMatMul, all transposes; bias inside sgemm for fused.matMul)'), async () => {
    const [m, k, n] = [N, 5, 7];
    const a = cycle(m * k, 0);
    const b = Float32Array.from({ length: k * n }, (_, i) => (i % 9 === 4 ? A[(i * 5) % N]! : ((i % 7) - 3) * 0.5));
    const bias = cycle(n, 13, 3);
    const absA = a.map(Math.abs), absB = b.map(Math.abs);
    for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const shapeA = tA ? [k, m] : [m, k], shapeB = tB ? [n, k] : [k, n];
      // Operands laid out so that op(A) and op(B) are the same matrices in every case.
      const lay = (v: Float32Array, r: number, c: number, trans: boolean) => (trans ? tf.transpose(t(v, [r, c])) : t(v, [r, c]));
      const [bound] = await onBackend('cpu', () => [tf.matMul(t(absA, [m, k]), t(absB, [k, n]))]);
      const plain = (bi: boolean) => () => {
        const A2 = lay(a, m, k, tA).reshape(shapeA), B2 = lay(b, k, n, tB).reshape(shapeB);
        const y = tf.matMul(A2, B2, tA, tB);
        return [bi ? tf.add(y, t(bias, [n])) : y];
      };
      const withBias = () => [tf.fused.matMul({ a: lay(a, m, k, tA).reshape(shapeA), b: lay(b, k, n, tB).reshape(shapeB), transposeA: tA, transposeB: tB, bias: t(bias, [n]) })];
      await agree(`matmul tA=${tA} tB=${tB}`, { native: plain(false), reference: plain(false) }, { bound: bound! });
      const boundBias = bound!.map((v, i) => v + Math.abs(bias[i % n]!));
      await agree(`fused matmul + bias tA=${tA} tB=${tB}`, { native: withBias, reference: plain(true) }, { bound: boundBias });
    }
  });

  it(title('masked cross-entropy and its gradient (logits with special values, masked rows, fractional mask)'), async () => {
    const v = 6;
    const dy = 1.5;
    const f = (impl: typeof ref.maskedCrossEntropy, logits: Float32Array, targets: number[], mask: Float32Array) => () => {
      const rows = targets.length;
      const l = t(logits, [rows, v]), m = t(mask, [rows]), tg = tf.tensor1d(targets, 'int32');
      return [impl(l as tf.Tensor2D, tg, m as tf.Tensor1D), ...tf.grads((p: tf.Tensor, q: tf.Tensor) => impl(p as tf.Tensor2D, tg, q as tf.Tensor1D))([l, m], tf.scalar(dy))];
    };
    // One row per special value (ordinary logits, the special one at column r mod v; the target is that
    // column on every third row, another one otherwise), each alone: one NaN row makes the mean NaN.
    for (let r = 0; r < N; r++) {
      const logits = Float32Array.from({ length: v }, (_, j) => (j === r % v ? A[r]! : (j - 2) * 0.7));
      const target = r % 3 === 0 ? r % v : (r + 1) % v;
      // float64: ℓ = lse − x_t, ∂ℓ/∂x_j = dy·(softmax_j − [j = t]), ∂/∂mask = dy·(ℓ − ℓ) = 0 for one row.
      const mx = Math.max(...logits);
      const lse = mx + Math.log(logits.reduce((a, x) => a + Math.exp(x - mx), 0));
      const loss = lse - logits[target]!;
      const exact = [[loss], Array.from(logits, (x, j) => dy * (Math.exp(x - lse) - (j === target ? 1 : 0))), [0]];
      await agree(`xent row ${r} (special ${A[r]} at ${r % v}, target ${target})`, {
        native: f(fused.maskedCrossEntropy, logits, [target], Float32Array.of(1)),
        reference: f(ref.maskedCrossEntropy, logits, [target], Float32Array.of(1)),
      }, (j) => ({ scaleFloor: 1e-6, oracle: exact[j]! }));
    }
    // Together, with masked rows, a fractional mask and an out-of-range target: the finite specials.
    const finite = A.filter(Number.isFinite);
    const rows = finite.length;
    const logits = Float32Array.from({ length: rows * v }, (_, i) => (i % v === Math.floor(i / v) % v ? finite[Math.floor(i / v)]! : ((i % v) - 2) * 0.7));
    const targets = Array.from({ length: rows }, (_, r) => (r === 4 ? -1 : r % 3 === 0 ? r % v : (r + 1) % v));
    const mask = Float32Array.from({ length: rows }, (_, r) => (r % 8 === 7 ? 0 : r % 5 === 4 ? 0.5 : 1));
    await agree('xent, all finite specials', { native: f(fused.maskedCrossEntropy, logits, targets, mask), reference: f(ref.maskedCrossEntropy, logits, targets, mask) }, { scaleFloor: 1e-6 });
  });

  it(title('LayerNorm and RMSNorm, forward and gradients, rows with special values'), async () => {
    const d = 8;
    const rows = N + 3;
    const x = Float32Array.from({ length: rows * d }, (_, i) => {
      const r = Math.floor(i / d), k = i % d;
      if (r === N) return A[2 + (k % 7)]!; // subnormals and tiny normals only
      if (r === N + 1) return 0; // a constant row: variance 0, rstd = 1/√ε
      if (r === N + 2) return k % 2 ? 1e19 : -1e19; // squares overflow
      return k === r % d ? A[r]! : (k - 3) * 0.4;
    });
    const gamma = Float32Array.from({ length: d }, (_, k) => 1 + 0.1 * k), beta = Float32Array.from({ length: d }, (_, k) => 0.05 * k - 0.2);
    const dy = Float32Array.from({ length: rows * d }, (_, i) => ((i * 7) % 11) / 5 - 1);
    const X = [rows, d];
    const ln = (f: typeof ref.layerNorm) => () => {
      const xs = t(x, X), g = t(gamma, [d]), b = t(beta, [d]);
      return [f(xs, g, b), ...tf.grads((p: tf.Tensor, q: tf.Tensor, s: tf.Tensor) => f(p, q, s))([xs, g, b], t(dy, X))];
    };
    const rms = (f: typeof ref.rmsNorm) => () => {
      const xs = t(x, X), g = t(gamma, [d]);
      return [f(xs, g), ...tf.grads((p: tf.Tensor, q: tf.Tensor) => f(p, q))([xs, g], t(dy, X))];
    };
    // float64 forward and backward (native/src/fused.c), for the reference's inf·0 NaNs: a row whose
    // variance overflows float32 has r = 1/σ ≈ 0, so dx ≈ 0 where the chain rule meets 0·inf.
    const exact = (layer: boolean) => {
      const y: number[] = [], dx: number[] = [], dg = new Array<number>(d).fill(0), db = new Array<number>(d).fill(0);
      for (let r = 0; r < rows; r++) {
        const xr = Array.from(x.subarray(r * d, (r + 1) * d)), gr = Array.from(dy.subarray(r * d, (r + 1) * d));
        const mu = layer ? xr.reduce((a, b) => a + b, 0) / d : 0;
        const rs = 1 / Math.sqrt(xr.reduce((a, b) => a + (b - mu) ** 2, 0) / d + (layer ? 1e-5 : 1e-6));
        const xh = xr.map((v) => (v - mu) * rs), gh = gr.map((v, k) => v * gamma[k]!);
        const m1 = layer ? gh.reduce((a, b) => a + b, 0) / d : 0, m2 = gh.reduce((a, b, k) => a + b * xh[k]!, 0) / d;
        xh.forEach((v, k) => { y.push(v * gamma[k]! + (layer ? beta[k]! : 0)); dx.push(rs * (gh[k]! - m1 - v * m2)); dg[k] = dg[k]! + gr[k]! * v; db[k] = db[k]! + gr[k]!; });
      }
      return layer ? [y, dx, dg, db] : [y, dx, dg];
    };
    const lnExact = exact(true), rmsExact = exact(false);
    await agree('layerNorm', { native: ln(fused.layerNorm), reference: ln(ref.layerNorm) }, (j) => ({ scaleFloor: 1e-5, oracle: lnExact[j]! }));
    await agree('rmsNorm', { native: rms(fused.rmsNorm), reference: rms(ref.rmsNorm) }, (j) => ({ scaleFloor: 1e-5, oracle: rmsExact[j]! }));
  });

  it(title('Adam: every special gradient, two steps, against tf.train.adam; never NaN for subnormal g²'), async () => {
    const g = cycle(N, 0);
    const p = Float32Array.from({ length: N }, (_, i) => (i % 3) - 1 + 0.125 * i);
    const step = (opt: () => tf.Optimizer) => () => {
      const opt1 = opt();
      const w = tf.variable(t(p, [N]), true, `adv-adam-${Math.random()}`);
      for (let s = 0; s < 2; s++) opt1.applyGradients([{ name: w.name, tensor: t(g, [N]) }]);
      const out = tf.clone(w);
      w.dispose();
      opt1.dispose();
      return [out];
    };
    const [got] = await onBackend('wasm', step(() => adam(0.01, 0.9, 0.999, 1e-8)));
    const [want] = await onBackend('cpu', step(() => tf.train.adam(0.01, 0.9, 0.999, 1e-8)));
    expect(ieeeMismatches(got!, want!, {}, show(g, p))).toEqual([]);
    // The table2 case (a W_E row with g = −6.86e-20 at step 1), and the whole subnormal-square range.
    // (Not 2⁻¹⁴⁹: its first moment 0.1·g underflows to 0, so p stays 0 in the reference too.)
    const tiny = Float32Array.from([-6.86e-20, 6.86e-20, 1e-22, -1e-22, 3e-21, 1e-19, -1e-40, 1.1754942e-38]);
    const [pt] = await onBackend('wasm', () => {
      const w = tf.variable(tf.zeros([tiny.length]), true, `adv-adam-tiny-${Math.random()}`);
      const opt = adam(0.01);
      opt.applyGradients([{ name: w.name, tensor: t(tiny, [tiny.length]) }]);
      const out = tf.clone(w);
      w.dispose();
      opt.dispose();
      return [out];
    });
    expect(Array.from(pt!).filter(Number.isNaN)).toEqual([]);
    // Step −lr·ĝ/(√v̂ + ε) with √v̂ = |g| ≪ ε: −lr·g/ε, the sign opposite to g's.
    Array.from(pt!).forEach((v, i) => expect(Math.sign(v), `p[${i}] for g=${tiny[i]}`).toBe(tiny[i] === 0 ? 0 : -Math.sign(tiny[i]!)));
  });
});
