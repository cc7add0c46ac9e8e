// ROUGE-1 recall of a generated answer against the reference (Lin 2004; the unlearning papers' main
// metric, computed as Google's rouge_score does without stemming: lowercase, non-alphanumerics as
// separators, clipped unigram overlap / reference unigrams). Used to check the PISTOL finetune stage.

function unigrams(s: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const w of s.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean)) m.set(w, (m.get(w) ?? 0) + 1);
  return m;
}

export function rouge1Recall(generated: string, reference: string): number {
  const ref = unigrams(reference);
  const gen = unigrams(generated);
  let total = 0;
  let hit = 0;
  for (const [w, c] of ref) {
    total += c;
    hit += Math.min(c, gen.get(w) ?? 0);
  }
  return total === 0 ? 0 : hit / total;
}
