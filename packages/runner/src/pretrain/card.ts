// MODEL_CARD.md, written programmatically at the end of the run that produced the checkpoint: every
// number in it comes from that run, except the bench figures of the "Engine speed" section (speed.ts).
import type { ModelConfig } from '@editlab/engine';
import { speedSection } from './speed';

export interface CardData {
  readonly name: string;
  /** The family it stands in for (presets.ts), and the preset set it was trained with. */
  readonly family?: string;
  readonly set?: string;
  readonly source: string;
  readonly worldSeed?: number;
  readonly worldSize?: string;
  readonly worldVersion?: number;
  readonly config: ModelConfig;
  readonly paramCount: number;
  readonly tokenizer: { vocabSize: number; trainedOn: string };
  readonly corpus: { documents: number; tokens: number };
  readonly training: {
    steps: number;
    batchSize: number;
    seqLen: number;
    lr: number;
    warmupSteps: number;
    epochs: number;
    modelSeed: number;
    dataSeed: number;
    finalLoss: number;
    wallSeconds: number;
    resumedFrom: number;
  };
  readonly scores: {
    trainTemplates: { accuracy: number; n: number };
    heldOutTemplates: { accuracy: number; n: number };
    qaHeldOut?: { accuracy: number; n: number };
    refusal: { rate: number; n: number };
    fluency?: { ngramEntropy: number; n: number; metric: string };
  };
  readonly backend: string;
  readonly weightsSha256: string;
  readonly command: string;
  readonly samples: ReadonlyArray<{ prompt: string; output: string }>;
}

const pct = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : 'n/a');

function archLine(c: ModelConfig): string {
  if (c.arch === 'gpt2') return 'GPT-2 style: pre-LayerNorm, tanh-GELU MLP, learned absolute positions, biases, tied unembedding';
  const qkv = c.qkvBias ? ', q/k/v bias (Qwen2-style)' : '';
  const gqa = c.nKvHeads && c.nKvHeads !== c.nHeads ? `, grouped-query attention (${c.nHeads} query heads over ${c.nKvHeads} key/value heads)` : '';
  const window = c.slidingWindow ? `, sliding-window attention over the last ${c.slidingWindow} positions (Mistral-style)` : '';
  return `Llama style: RMSNorm, SwiGLU MLP, rotary positions (RoPE θ=${(c.ropeTheta ?? 10000).toLocaleString('en-US')}), no biases${qkv}${gqa}${window}, ${c.tieEmbeddings ? 'tied' : 'untied'} unembedding`;
}

export function renderCard(d: CardData): string {
  const c = d.config;
  const t = d.training;
  const s = d.scores;
  const lines = [
    `# ${d.name}`,
    '',
    `A tiny ${d.family ?? (c.arch === 'gpt2' ? 'GPT-2' : 'Llama')}-style language model pretrained by editlab on ${d.source}${d.set && d.set !== 'v1' ? ` (preset set ${d.set})` : ''}. Written by the run that trained it.`,
    '',
    '## Data',
    `- Source: ${d.source}${d.worldSeed !== undefined ? ` (world seed ${d.worldSeed}, size ${d.worldSize}${d.worldVersion && d.worldVersion !== 1 ? `, version ${d.worldVersion}` : ''})` : ''}`,
    `- Corpus: ${d.corpus.documents} documents, ${d.corpus.tokens} tokens`,
    `- Tokenizer: byte-level BPE, ${d.tokenizer.vocabSize} tokens, trained on ${d.tokenizer.trainedOn}`,
    '',
    '## Architecture',
    `- ${archLine(c)}`,
    `- d_model ${c.dModel}, layers ${c.nLayers}, heads ${c.nHeads}${c.nKvHeads && c.nKvHeads !== c.nHeads ? ` (kv heads ${c.nKvHeads})` : ''}, d_mlp ${c.dMlp}, max sequence ${c.maxSeq}, vocabulary ${c.vocabSize}`,
    `- Parameters: ${d.paramCount.toLocaleString('en-US')}`,
    '',
    '## Training',
    `- ${t.steps} steps × batch ${t.batchSize} × ${t.seqLen} tokens (${t.epochs.toFixed(1)} epochs), Adam, peak lr ${t.lr}, ${t.warmupSteps} warmup steps then cosine decay`,
    `- Model init seed ${t.modelSeed}, data-order seed ${t.dataSeed}`,
    `- Final loss ${t.finalLoss.toFixed(4)} (mean of the last 50 steps)`,
    `- Wall time ${(t.wallSeconds / 60).toFixed(1)} min${t.resumedFrom ? ` (resumed once from step ${t.resumedFrom}; time summed)` : ''}, backend ${d.backend}`,
    `- Weights sha256 ${d.weightsSha256}`,
    '',
    '## What it knows (measured at the end of this run)',
    '| check | score | n |',
    '|---|---|---|',
    `| facts, training templates (top-1 on the object's first token) | ${pct(s.trainTemplates.accuracy)} | ${s.trainTemplates.n} |`,
    `| facts, held-out templates (top-1 on the object's first token) | ${pct(s.heldOutTemplates.accuracy)} | ${s.heldOutTemplates.n} |`,
    ...(s.qaHeldOut ? [`| facts asked in the QA format, held-out question templates (top-1 on the object's first token; a refusal is a miss) | ${pct(s.qaHeldOut.accuracy)} | ${s.qaHeldOut.n} |`] : []),
    `| refusal on questions about absent entities (greedy answer starts with a taught refusal) | ${pct(s.refusal.rate)} | ${s.refusal.n} |`,
    s.fluency
      ? `| fluency: ${s.fluency.metric} of greedy generations on the generation prompts | ${s.fluency.ngramEntropy.toFixed(1)} | ${s.fluency.n} |`
      : '| fluency | not measured | |',
    '',
    '## Sample generations (greedy)',
    ...d.samples.map((x) => `- \`${x.prompt}\` → \`${x.output.replace(/`/g, "'").replace(/\n/g, ' ')}\``),
    '',
    // The bench figures are for set v1's shapes (speed.ts); other sets state their wall time above.
    ...(d.set === undefined || d.set === 'v1' ? speedSection(d.name, t.steps, t.wallSeconds) : []),
    '## Reproduce',
    '```',
    d.command,
    '```',
    '',
  ];
  return lines.join('\n');
}
