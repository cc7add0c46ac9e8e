// Token rows of the locate-then-edit methods (ROME, MEMIT, AlphaEdit): a context template filled with a
// rewrite prompt, optionally followed by target tokens, and the position of the subject's last token — ROME's
// `fact_token: subject_last` (kmeng01/rome rome/repr_tools.py get_words_idxs_in_templates). Templates are
// strings with one "{}" where the prompt goes ("{}" alone is the plain prompt). Rows are right-padded for a
// batched forward pass: with causal attention a real position never sees the pads after it, so no mask is
// needed and positions (learned or rotary) are those of an unpadded run.
import * as tf from '@tensorflow/tfjs';
import type { Tokenizer } from '../../model/tokenizer';
import type { EditModel } from '../editor';
import { MethodInputError } from './errors';

export interface SubjectRow {
  readonly ids: readonly number[];
  /** Index in ids of the subject's last token. */
  readonly subjectLast: number;
  /** Number of tokens of the filled template (BOS included): target tokens, if any, follow. */
  readonly promptLength: number;
}

/** The subject's last token in `text` whose tokens (after any BOS) are `ids`, the subject starting at char `at`. */
function lastTokenOf(tok: Tokenizer, ids: readonly number[], at: number, subject: string): number {
  const end = at + subject.length;
  for (let i = 0; i < ids.length; i++) {
    if (tok.decode(ids.slice(0, i + 1) as number[]).length >= end) return i;
  }
  return ids.length - 1;
}

/**
 * The row of template ⟨prompt⟩ (+ `continuation` token ids): ids, the subject's last token and the prompt's length.
 * The subject is looked up in the prompt (its first occurrence), never in the template's prefix.
 */
export function subjectRow(tok: Tokenizer, template: string, prompt: string, subject: string, continuation: readonly number[] = []): SubjectRow {
  const slot = template.indexOf('{}');
  if (slot < 0) throw new MethodInputError(`context template ${JSON.stringify(template)} has no "{}" slot`);
  const inPrompt = prompt.indexOf(subject);
  if (subject.length === 0 || inPrompt < 0) throw new MethodInputError(`subject ${JSON.stringify(subject)} does not occur in the prompt ${JSON.stringify(prompt)}`);
  const text = template.slice(0, slot) + prompt + template.slice(slot + 2);
  const body = tok.encode(text);
  const bos = tok.bosId === undefined ? [] : [tok.bosId];
  const last = lastTokenOf(tok, body, slot + inPrompt, subject) + bos.length;
  return { ids: [...bos, ...body, ...continuation], subjectLast: last, promptLength: bos.length + body.length };
}

/** Refuse rows longer than the model's window, naming the text (the v1 models read 64 tokens). */
export function checkWindow(model: EditModel, rows: readonly SubjectRow[], what: (i: number) => string): void {
  const w = model.transformer.config.maxSeq;
  rows.forEach((r, i) => {
    if (r.ids.length > w) {
      throw new MethodInputError(`${what(i)} is ${r.ids.length} tokens with its context template and target, longer than the model's ${w}-token window`);
    }
  });
}

/** Right-padded [B, T] ids of the rows. */
export function packRows(rows: readonly SubjectRow[], padId: number): tf.Tensor2D {
  const T = Math.max(...rows.map((r) => r.ids.length));
  const data = new Int32Array(rows.length * T).fill(padId);
  rows.forEach((r, b) => data.set(r.ids, b * T));
  return tf.tensor2d(data, [rows.length, T], 'int32');
}

/** [B, T, 1] float mask: 1 at each row's subject-last position. */
export function subjectMask(rows: readonly SubjectRow[], T: number): tf.Tensor3D {
  const m = new Float32Array(rows.length * T);
  rows.forEach((r, b) => (m[b * T + r.subjectLast] = 1));
  return tf.tensor3d(m, [rows.length, T, 1]);
}
