// Kernel profile of one training step (tf.profile): time per kernel name, top entries.
// node --import tsx bench/profile.ts [--size=b] [--top=25]   (sizes a, b, c, tiny, tiny-llama)
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@editlab/engine';
import { kernelTable } from './kernel-table';
import { benchModel } from './model';
import { SIZES, TINY } from './sizes';

const get = (n: string, d: string) => process.argv.find((a) => a.startsWith(`--${n}=`))?.split('=')[1] ?? d;
const id = get('size', 'b');
const size = [...SIZES, ...TINY].find((s) => s.id === id);
if (!size) throw new Error(`unknown --size=${id} (known: ${[...SIZES, ...TINY].map((s) => s.id).join(', ')})`);
const top = Number(get('top', '25'));
const info = await initBackend();
const m = await benchModel(size);
m.step(); m.step();
const t0 = performance.now();
const prof = await tf.profile(() => { m.step(); });
const wall = performance.now() - t0;
const table = kernelTable(prof);
console.log(`size ${size.id}, matmul ${info.matmul}: ${prof.kernels.length} kernels, ${table.totalMs.toFixed(0)} ms kernel time, ${wall.toFixed(0)} ms wall (profiled), peak ${(prof.peakBytes / 2 ** 20).toFixed(0)} MiB`);
for (const e of table.rows.slice(0, top)) {
  console.log(`${e.name.padEnd(24)} ${e.ms.toFixed(1).padStart(8)} ms  ${String(e.calls).padStart(5)} calls`);
}
m.dispose();
