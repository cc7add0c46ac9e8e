// Dataset registry entries for unlearning (Editing-as-Unlearning §4.1): the world's TOFU-format
// factual set (pretrained knowledge: the embedded default models learned it in pretraining) and its
// PISTOL contracts (finetuned knowledge: the `embedded-pistol` model), and real TOFU / PISTOL files.
// Each record is one forget request (the item to unlearn); its `data` carries what the unlearning
// metrics score (adapters/unlearn-metrics.ts): the forget item, its rephrased question (when the set
// has one; real files do not), and the record's equal share of the retain set. As in the paper, the
// first `forgetSize` items are forgotten and the rest are the retain set; PISTOL forget sets are whole
// contracts (20 QA each). docs/metrics.md "Unlearning datasets" has the layout and the share rule.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  fnv1a, loadDataset, parseDataset, qaPrompt, renderPistol, renderTofu, REFUSAL_POOL, WORLD_SIZES, WORLD_VERSIONS,
  type LoadedDataset, type QAItem,
} from '@editlab/datasets';
import type { CellRecord, DatasetEntry, ForgetRequest, JsonSchema, RunContext } from '../registries';
import { RunnerError } from '../errors';
import type { JsonObject, JsonValue } from '../util/json';
import { malformedError, spaced, world, worldLabel, WORLD_PARAMS } from './edit-datasets';
import { exemplarsFor, targetsStage, type QuestionFacts, type SelfImproveData } from './self-improve';

/** One scored QA item: the question in the model's QA format and the raw gold answer. */
export interface UnlearnItem {
  readonly prompt: string;
  readonly answer: string;
}

/** A record's evaluation data: what the forget, rephrased-forget, retain (and factual) splits score. */
export interface UnlearnData {
  readonly kind: 'unlearn';
  readonly forget: UnlearnItem;
  /** The forget question rephrased (the rephrase attack); empty when the set has none (real files). */
  readonly rephrased: readonly UnlearnItem[];
  /** This record's share of the retain set (every record holds the same number of items). */
  readonly retain: readonly UnlearnItem[];
  /** This record's share of a second, factual set (locality on pretrained facts after PISTOL unlearning, Table 4). */
  readonly factual?: readonly UnlearnItem[];
  /** What the world says about the forget question (world-tofu): the refusal-quality metrics' truth. */
  readonly facts?: QuestionFacts;
  /** `targets: self-improved`: the exemplars the model under edit writes the refusal target from. */
  readonly selfImprove?: SelfImproveData;
}

/** A QA item of an unlearning set, before it is split into forget and retain. */
interface SetItem {
  readonly id: string;
  readonly question: string;
  readonly answer: string;
  readonly rephrased?: string;
  readonly subject?: string;
  /** The fact's relation, true object and false objects (world-tofu). */
  readonly relation?: string;
  readonly object?: string;
  readonly falseObjects?: readonly string[];
  /** PISTOL contract (edge); forget sets are whole contracts. */
  readonly group?: string;
}

const FORGET: Record<string, JsonSchema> = {
  forgetSize: {
    type: 'integer', minimum: 1, default: 40,
    description: 'Items to forget (the paper: 40 on the factual set, 20 = one contract on PISTOL); the rest of the set is the retain set.',
  },
  offset: { type: 'integer', minimum: 0, default: 0, description: 'First item (TOFU) or contract (PISTOL) forgotten, for disjoint forget sets.' },
  refusals: { type: 'string', minLength: 1, description: 'A file of refusal answers (JSON array of strings, or one per line), relative to the spec; default: the world\'s refusal pool.' },
};
const FACTUAL: JsonSchema = {
  type: 'boolean', default: false,
  description: 'Also score ROUGE-1 etc. on the world\'s TOFU factual set (split "general"): locality on pretrained knowledge after unlearning finetuned knowledge (Editing-as-Unlearning Table 4).',
};

const worldName = (p: JsonObject, what: string) => `${worldLabel(p)} ${what}`;

/** The QA items of a loaded TOFU/PISTOL dataset (malformed records are a located error). */
function qaItems(loaded: LoadedDataset, what: string): SetItem[] {
  if (loaded.malformed.length) throw malformedError(loaded, what);
  const qa = loaded.records.filter((r): r is QAItem => r.kind === 'qa');
  if (qa.length === 0) throw new RunnerError('DATA', `${what}: no QA records (format ${loaded.format}); unlearning needs a TOFU or PISTOL file`);
  return qa.map((r) => ({
    id: r.group !== undefined ? `${r.group}-${r.id}` : r.id, question: r.question, answer: r.answer,
    ...(r.paraphrasedQuestion !== undefined ? { rephrased: r.paraphrasedQuestion } : {}),
    ...(r.group !== undefined ? { group: r.group } : {}),
  }));
}

/**
 * The world's TOFU-format factual set (`tofu/world_perturbed.json`), with each question's subject,
 * relation and true object, and its false objects: every entity of the object's type but the true
 * object and the subject (what the `misleading` metric looks for, docs/unlearning.md "Refusal quality").
 */
function worldTofu(p: JsonObject): SetItem[] {
  const w = world(p);
  const facts = w.benchmark.tofu.map((id) => {
    const f = w.fact(id);
    const type = w.entity(f.object).type;
    const falseObjects = w.entities.filter((e) => e.type === type && e.id !== f.object && e.id !== f.subject).map((e) => e.name);
    return { subject: w.entity(f.subject).name, relation: f.relation, object: w.entity(f.object).name, falseObjects };
  });
  const items = qaItems(parseDataset(renderTofu(w).map((r) => JSON.stringify(r)).join('\n'), 'tofu', worldName(p, 'tofu')), worldName(p, 'tofu'));
  return items.map((it, i) => ({ ...it, ...facts[i]! }));
}

function worldPistol(p: JsonObject): SetItem[] {
  return qaItems(parseDataset(JSON.stringify(renderPistol(world(p))), 'pistol', worldName(p, 'pistol')), worldName(p, 'pistol'));
}

/** Forget = `forgetSize` items from `offset` (PISTOL: whole contracts from the offset-th), retain = the rest. */
export function splitForget(items: readonly SetItem[], params: JsonObject, what: string): { forget: SetItem[]; retain: SetItem[] } {
  const size = Number(params['forgetSize'] ?? 40);
  const offset = Number(params['offset'] ?? 0);
  const grouped = items.some((it) => it.group !== undefined);
  let start = offset;
  if (grouped) {
    const groups = [...new Set(items.map((it) => it.group ?? ''))];
    if (offset >= groups.length) throw new RunnerError('DATA', `${what}: offset ${offset} is past its ${groups.length} contracts`);
    start = items.findIndex((it) => (it.group ?? '') === groups[offset]);
    const ends = new Set<number>();
    for (let i = start; i < items.length; i++) if (i + 1 === items.length || items[i + 1]!.group !== items[i]!.group) ends.add(i + 1 - start);
    if (!ends.has(size)) {
      throw new RunnerError('DATA', `${what}: forgetSize ${size} does not end on a contract boundary (PISTOL forgets whole contracts); from contract ${groups[offset]} it can be ${[...ends].slice(0, 6).join(', ')}…`);
    }
  } else if (offset >= items.length) {
    throw new RunnerError('DATA', `${what}: offset ${offset} is past its ${items.length} items`);
  }
  const forget = items.slice(start, start + size);
  if (forget.length < size) throw new RunnerError('DATA', `${what}: forgetSize ${size} from offset ${offset} needs ${size} items, it has ${forget.length}`);
  const retain = [...items.slice(0, start), ...items.slice(start + size)];
  if (retain.length < forget.length) throw new RunnerError('DATA', `${what}: forgetSize ${size} leaves ${retain.length} retain item(s); each forget record needs at least one`);
  return { forget, retain };
}

/** Record i's equal share of `items`: items i, i+k, i+2k … of the first ⌊|items|/k⌋·k (k = forget records). */
export function share<T>(items: readonly T[], i: number, k: number): T[] {
  const per = Math.floor(items.length / k);
  return Array.from({ length: per }, (_x, j) => items[i + j * k]!);
}

const item = (it: { question: string; answer: string }): UnlearnItem => ({ prompt: qaPrompt(it.question), answer: it.answer.trim() });

/** The refusals of a spec's `refusals:` file (JSON array of strings, or one per line). */
function readRefusals(params: JsonObject, ctx: RunContext): readonly string[] {
  if (params['refusals'] === undefined) return REFUSAL_POOL;
  const path = resolve(ctx.specDir, String(params['refusals']));
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new RunnerError('DATA', `refusals: cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  const t = text.trim();
  const list: unknown = t.startsWith('[') ? (() => { try { return JSON.parse(t); } catch (e) { throw new RunnerError('DATA', `refusals: ${path} is not valid JSON: ${(e as Error).message}`); } })() : t.split('\n').map((l) => l.trim()).filter(Boolean);
  const arr = list as unknown[];
  const bad = arr.findIndex((x) => typeof x !== 'string' || x.trim() === '');
  if (!Array.isArray(list) || arr.length === 0 || bad >= 0) {
    throw new RunnerError('DATA', `refusals: ${path}${bad >= 0 ? ` entry ${bad}` : ''}: expected a non-empty list of non-empty strings`);
  }
  return arr as string[];
}

function forgetRequest(it: SetItem, refusals: readonly string[]): ForgetRequest {
  return {
    kind: 'forget',
    question: qaPrompt(it.question),
    answer: spaced(it.answer),
    ...(it.subject !== undefined ? { subject: it.subject } : {}),
    ...(it.rephrased !== undefined ? { rephrasings: [qaPrompt(it.rephrased)] } : {}),
    // One refusal per item, fixed by its id (not by the seed): the same forget set always asks the same.
    refusal: spaced(refusals[fnv1a(it.id) % refusals.length]!),
    // The whole pool, which IDK and DPO draw from per example and epoch (engine methods/common/unlearn.ts).
    refusals: refusals.map(spaced),
  };
}

/** The world's facts about an item's question, when the set has them (world-tofu). */
function factsOf(it: SetItem): { facts?: QuestionFacts } {
  return it.subject !== undefined && it.object !== undefined && it.falseObjects !== undefined
    ? { facts: { subject: it.subject, object: it.object, falseObjects: it.falseObjects } }
    : {};
}

/** The evaluated records: one forget request each, with its probes and equal retain (and factual) shares;
 *  with `selfImprove`, each also carries the exemplars its self-improved target is written from. */
function records(set: { forget: SetItem[]; retain: SetItem[] }, refusals: readonly string[], factual?: readonly SetItem[], selfImprove = false): CellRecord[] {
  const k = set.forget.length;
  if (factual && factual.length < k) throw new RunnerError('DATA', `the factual set has ${factual.length} item(s), fewer than the ${k} forget records that share it`);
  return set.forget.map((it, i) => {
    const data: UnlearnData = {
      kind: 'unlearn',
      forget: item(it),
      rephrased: it.rephrased !== undefined ? [item({ question: it.rephrased, answer: it.answer })] : [],
      retain: share(set.retain, i, k).map(item),
      ...(factual ? { factual: share(factual, i, k).map(item) } : {}),
      ...factsOf(it),
      ...(selfImprove ? { selfImprove: { question: it.question, exemplars: exemplarsFor(it, set.retain) } } : {}),
    };
    return { id: it.id, request: forgetRequest(it, refusals), data: data as unknown as JsonValue };
  });
}

/** The retain split, for methods that train on it (GD, KL): every retain item as a forget-shaped request. */
function retainRecords(set: { retain: SetItem[] }, refusals: readonly string[]): CellRecord[] {
  return set.retain.map((it) => ({ id: it.id, request: forgetRequest(it, refusals), data: null }));
}

function unlearnEntry(
  id: string, version: string, description: string, properties: Record<string, JsonSchema>,
  itemsOf: (p: JsonObject, ctx: RunContext) => { items: SetItem[]; what: string; factual?: SetItem[] },
): DatasetEntry {
  const loadSet = (p: JsonObject, ctx: RunContext) => {
    const { items, what, factual } = itemsOf(p, ctx);
    return { set: splitForget(items, p, what), factual, refusals: readRefusals(p, ctx) };
  };
  return {
    id, version, description, requestKind: 'forget',
    paramsSchema: { type: 'object', properties: { ...properties, ...FORGET } },
    splits: ['retain'],
    async load(p, ctx) {
      const { set, factual, refusals } = loadSet(p, ctx);
      return records(set, refusals, factual, p['targets'] === 'self-improved');
    },
    targets: targetsStage,
    async loadSplit(split, p, ctx) {
      if (split !== 'retain') throw new RunnerError('DATA', `${id}: no split '${split}' (its splits: retain)`);
      const { set, refusals } = loadSet(p, ctx);
      return retainRecords(set, refusals);
    },
  };
}

const TARGETS: JsonSchema = {
  enum: ['generic', 'self-improved'], default: 'generic',
  description: 'Edit targets of the forget questions: "generic" (a refusal of the pool) or "self-improved" (the model under edit writes a refusal naming the subject from exemplars, Editing-as-Unlearning §3.2; docs/unlearning.md "Self-improvement").',
};

export const worldTofuEntry = unlearnEntry(
  'world-tofu', '1',
  'The world\'s TOFU-format factual set (pretrained knowledge): forget requests for the first forgetSize items, the rest retained; rephrased questions from each fact\'s held-out question template',
  { ...WORLD_PARAMS, targets: TARGETS }, (p) => ({ items: worldTofu(p), what: worldName(p, 'tofu') }),
);

export const worldPistolEntry = unlearnEntry(
  'world-pistol', '1',
  'The world\'s PISTOL contracts (finetuned knowledge, for the embedded-pistol model): forget whole contracts (20 QA each), retain the others; no rephrased questions',
  { ...WORLD_PARAMS, forgetSize: { ...FORGET['forgetSize']!, default: 20 }, factual: FACTUAL },
  (p) => ({ items: worldPistol(p), what: worldName(p, 'pistol'), ...(p['factual'] === true ? { factual: worldTofu(p) } : {}) }),
);

/** A real TOFU or PISTOL file, e.g. ../shared/data/tofu/factual_data.json or pistol/sample_data_1.dev.json. */
export const unlearnFile = unlearnEntry(
  'unlearn-file', '1',
  'A local unlearning file in the TOFU or PISTOL format, relative to the spec: forget the first forgetSize items (PISTOL: whole contracts), retain the rest; a rephrased split only where the file has paraphrased_question',
  {
    path: { type: 'string', minLength: 1, description: 'The file, relative to the spec file.' },
    format: { enum: ['tofu', 'pistol'], description: 'The format; detected from the file when omitted.' },
    factualPath: { type: 'string', minLength: 1, description: 'A second, TOFU-format factual file scored as split "general" (Table 4: locality on pretrained facts after PISTOL unlearning).' },
  },
  (p, ctx) => {
    const read = (file: string, format?: string) => {
      const path = resolve(ctx.specDir, file);
      try {
        return { items: qaItems(loadDataset(path, format !== undefined ? { format } : {}), path), what: path };
      } catch (e) {
        if (e instanceof RunnerError) throw e;
        throw new RunnerError('DATA', (e as Error).message, { cause: e });
      }
    };
    const main = read(String(p['path']), p['format'] !== undefined ? String(p['format']) : undefined);
    return p['factualPath'] !== undefined ? { ...main, factual: read(String(p['factualPath'])).items } : main;
  },
);

export const UNLEARN_DATASETS: readonly DatasetEntry[] = [worldTofuEntry, worldPistolEntry, unlearnFile];
