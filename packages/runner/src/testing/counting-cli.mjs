#!/usr/bin/env node
// The editlab CLI (bin/editlab.mjs) that also counts the engine's training steps, for the test of signals
// inside one edit (cli/signals-edit.spec.ts): it says on stderr when the 20th step starts, so the test
// signals it mid-edit, and how many steps ran in all when it exits. The count is a check registered with
// the engine's cooperative cancellation (engine train/interrupt.ts), asked once before every step; it
// never asks to stop.
import { register } from 'tsx/esm/api';

register();
const { onTrainingInterrupt } = await import('@editlab/engine');
const { main } = await import('../cli/main.ts');
let steps = 0;
onTrainingInterrupt(() => {
  if (++steps === 20) process.stderr.write('editlab-test: training step 20\n');
  return false;
});
const code = await main(process.argv.slice(2));
process.stderr.write(`editlab-test: ${steps} training steps\n`);
process.exitCode = code;
