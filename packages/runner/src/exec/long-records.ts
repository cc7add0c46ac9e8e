// The long-record rule (docs/metrics.md "Records longer than the context window"): a record is left out
// of its cell, and counted, when any sequence its edit or its evaluation would feed the model is longer
// than the model's context window. Left-truncating such a record would change what its probes ask (a
// CounterFact paraphrase keeps its fact at the end, but a ZsRE locality question or a QA answer does
// not), so the rule skips, and says so: the cell's output lists the skipped records (the table's
// meta.json) and the run prints one warning line per cell. A cell whose records are all too long fails.
//
// A sequence is BOS (when the tokenizer has one) + prompt tokens + continuation tokens, as the engine
// scores and trains on it (prompt and continuation tokenized separately, the MEMIT convention); a
// generation prompt needs room for at least one new token.
//   - edit: every training prompt of the request (the rewrite prompt and its trainPrompts; a forget
//     request's question and rephrasings) with each of its targets (new, true; answer, refusal);
//   - evaluation: every score and generate call of the cell's metrics on the record, found by running
//     them on a scorer that only measures (nothing runs on the model).
import type { CellRecord, ContextWindow, Request, Scorer } from '../registries';
import { metricValues, type BoundMetric } from './cell';

/** A record left out of a cell: its longest sequence and where that sequence comes from. */
export interface SkippedRecord {
  readonly id: string;
  readonly tokens: number;
  readonly where: string;
}

/** What a cell left out: the window it applied and the records over it. */
export interface LongRecords {
  readonly window: number;
  readonly records: readonly SkippedRecord[];
}

interface Longest {
  tokens: number;
  where: string;
}

/** The texts a method may train on for a request: (prompt, continuation) pairs. */
function trainingPairs(r: Request): Array<[string, string]> {
  if (r.kind === 'forget') {
    const targets = [r.answer, ...(r.refusal !== undefined ? [r.refusal] : [])];
    return [r.question, ...(r.rephrasings ?? [])].flatMap((p) => targets.map((t): [string, string] => [p, t]));
  }
  const targets = [r.targetNew, ...(r.targetTrue !== undefined ? [r.targetTrue] : [])];
  return [r.prompt, ...(r.trainPrompts ?? [])].flatMap((p) => targets.map((t): [string, string] => [p, t]));
}

/** A Scorer that runs nothing: it records the longest sequence asked of it and answers with placeholders. */
function measuringScorer(tokenize: (text: string) => number[], bos: number, longest: Longest): Scorer {
  const see = (tokens: number, where: string) => {
    if (tokens > longest.tokens) Object.assign(longest, { tokens, where });
  };
  return {
    score: (requests) =>
      Promise.resolve(
        requests.map((q) => {
          const cont = tokenize(q.continuation);
          see(bos + tokenize(q.prompt).length + cont.length, `scored prompt ${JSON.stringify(q.prompt.slice(0, 60))}`);
          return cont.map((id) => ({ id, logprob: 0, rank: 1 }));
        }),
      ),
    generate: (prompts) => {
      for (const p of prompts) see(bos + tokenize(p).length + 1, `generation prompt ${JSON.stringify(p.slice(0, 60))}`);
      return Promise.resolve(prompts.map(() => ''));
    },
    tokenize,
  };
}

/** The longest sequence a record's edit or evaluation feeds the model, in tokens, and where it comes from. */
export async function longestSequence(record: CellRecord, metrics: readonly BoundMetric[], tokenize: (text: string) => number[], window: ContextWindow): Promise<Longest> {
  const bos = window.bos ? 1 : 0;
  const longest: Longest = { tokens: 0, where: '' };
  for (const [p, t] of trainingPairs(record.request)) {
    const n = bos + tokenize(p).length + tokenize(t).length;
    if (n > longest.tokens) Object.assign(longest, { tokens: n, where: `edit prompt ${JSON.stringify(p.slice(0, 60))}` });
  }
  const scorer = measuringScorer(tokenize, bos, longest);
  try {
    await metricValues(scorer, record, metrics.filter(({ entry }) => entry.probe !== undefined || entry.evaluate !== undefined));
    for (const { use, entry } of metrics) if (entry.text) await entry.text(scorer, record, use.params);
  } catch {
    // A metric that cannot read this record says so when the cell really evaluates it.
  }
  return longest;
}

/** The records that fit the window, and those left out (with their longest sequence). */
export async function fitWindow(
  records: readonly CellRecord[], metrics: readonly BoundMetric[], scorer: Scorer, window: ContextWindow | undefined,
): Promise<{ fit: readonly CellRecord[]; skipped?: LongRecords }> {
  if (!window) return { fit: records };
  const tokenize = (text: string) => scorer.tokenize(text);
  const fit: CellRecord[] = [];
  const skipped: SkippedRecord[] = [];
  for (const r of records) {
    const l = await longestSequence(r, metrics, tokenize, window);
    if (l.tokens > window.tokens) skipped.push({ id: r.id, tokens: l.tokens, where: l.where });
    else fit.push(r);
  }
  return { fit, ...(skipped.length ? { skipped: { window: window.tokens, records: skipped } } : {}) };
}

/** One line about the records a cell left out, e.g. for the run's warnings. */
export function skippedText(skipped: LongRecords, total: number): string {
  const longest = skipped.records.reduce((a, s) => (s.tokens > a.tokens ? s : a), skipped.records[0]!);
  return `${skipped.records.length} of ${total} records skipped: longer than the model's ${skipped.window}-token window (longest: record ${longest.id}, ${longest.tokens} tokens, ${longest.where})`;
}
