// Zero-copy Identity and same-dtype Cast for wasm (docs/engine-backend.md §3). tfjs-core clones every tensor it
// saves for backward through `Identity`, and the Mul/Cast gradients call `cast(x, 'float32')` on float32
// input; the cpu backend answers both with a refcount bump, stock wasm with a malloc + memcpy each time.
// Here both bump the refcount of the same heap buffer; a dtype-changing Cast still goes to the stock kernel.
import * as tf from '@tensorflow/tfjs';
import { stockKernel } from './replace-kernel';
import { asWasm } from './wasm-internals';

function share(x: tf.TensorInfo, backend: unknown): tf.TensorInfo {
  asWasm(backend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const identityNoCopy: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x } = inputs as { x: tf.TensorInfo };
  if (x.dtype === 'string') return stockKernel('Identity', 'wasm').kernelFunc({ inputs, backend, attrs });
  return share(x, backend);
};

export const castNoCopy: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x } = inputs as { x: tf.TensorInfo };
  const { dtype } = attrs as unknown as { dtype: tf.DataType };
  if (x.dtype !== dtype || dtype === 'string') return stockKernel('Cast', 'wasm').kernelFunc({ inputs, backend, attrs });
  return share(x, backend);
};
