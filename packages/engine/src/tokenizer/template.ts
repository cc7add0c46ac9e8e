// The post-processor of a tokenizer.json (huggingface/tokenizers, src/processors/template.rs): the
// special tokens a TemplateProcessing `single` template puts around sequence A, e.g. Llama-2's
// `<s> $A` and Llama-3's `<|begin_of_text|> $A` (inside a Sequence after ByteLevel).

export interface Template {
  /** Ids before $A (the BOS of Llama-2/3) and after it. */
  readonly prefix: readonly number[];
  readonly suffix: readonly number[];
}

type Piece = { SpecialToken?: { id?: string }; Sequence?: { id?: string } };
type Proc = { type?: string; single?: Piece[]; processors?: Proc[]; special_tokens?: Record<string, { ids?: number[] }> };

/** The single-sequence template, or undefined when the post-processor has none (ByteLevel, null). */
export function templateFromJson(post: unknown, bad: (msg: string) => never): Template | undefined {
  const p = post as Proc | null | undefined;
  if (p == null) return undefined;
  if (p.type === 'Sequence') {
    const ts = (p.processors ?? []).map((q) => templateFromJson(q, bad)).filter((t) => t !== undefined);
    if (ts.length > 1) bad('post_processor has more than one TemplateProcessing');
    return ts[0];
  }
  if (p.type !== 'TemplateProcessing') return undefined;
  const prefix: number[] = [], suffix: number[] = [];
  let seen = false;
  for (const [i, piece] of (p.single ?? []).entries()) {
    if (piece.Sequence) {
      if (piece.Sequence.id !== 'A' || seen) bad(`post_processor.single[${i}] must be the one sequence $A`);
      seen = true;
    } else {
      const name = piece.SpecialToken?.id;
      const ids = name === undefined ? undefined : p.special_tokens?.[name]?.ids;
      if (!ids || !ids.every((id) => Number.isSafeInteger(id))) bad(`post_processor.single[${i}]: special token ${JSON.stringify(name)} has no ids in special_tokens`);
      (seen ? suffix : prefix).push(...ids!);
    }
  }
  if (!seen) bad('post_processor.single has no $A');
  return { prefix, suffix };
}
