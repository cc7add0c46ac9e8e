// Checks the memory methods' specs share (grace, wise): next-token logits of a prompt, its top-1 token, and
// the forget-request check (Editing as Unlearning: an editing method unlearns by editing toward the refusal).
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import type { EditModel, ForgetRequest, MethodContext, MethodDef } from '../editor';
import { textIds } from '../common/mlp-adaptor';
import type { CfRecord } from './cf-records';
import { meanNll } from './harness';

/** The logits after the last token of a prompt. */
export function lastLogits(m: EditModel, prompt: string): Float32Array {
  const ids = textIds(m.tokenizer, prompt);
  return tf.tidy(() => m.transformer.forward(tf.tensor2d([ids], [1, ids.length], 'int32')).slice([0, ids.length - 1, 0], [1, 1, -1]).dataSync() as Float32Array).slice();
}

export const top1 = (m: EditModel, prompt: string): number => lastLogits(m, prompt).reduce((b, v, i, a) => (v > a[b]! ? i : b), 0);
export const firstToken = (m: EditModel, s: string): number => m.tokenizer.encode(s)[0]!;

/**
 * A forget request (question = the record's prompt, answer = its true target) applied with `method`: the
 * refusal becomes top-1 and 1 nat likelier, the answer 1 nat less likely; undo restores both NLLs exactly.
 */
export function checkRefusalEdit(m: EditModel, method: MethodDef, x: CfRecord, params: Readonly<Record<string, unknown>>, ctx: MethodContext): void {
  const f: ForgetRequest = { kind: 'forget', question: x.prompt, answer: x.targetTrue, refusal: " I don't know." };
  const nll = () => meanNll(m, [{ prompt: f.question, continuation: f.refusal! }, { prompt: f.question, continuation: f.answer }]);
  const [ref0, ans0] = nll();
  const res = method.apply(m, [f], params, ctx);
  const [ref1, ans1] = nll();
  expect(top1(m, f.question)).toBe(firstToken(m, f.refusal!));
  expect(ref1!).toBeLessThan(ref0! - 1);
  expect(ans1!).toBeGreaterThan(ans0! + 1);
  res.undo();
  expect(nll()).toEqual([ref0, ans0]);
}
