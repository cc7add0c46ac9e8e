// Dataset registry entries for editing: the synthetic world's CounterFact- and ZsRE-style benchmarks
// (what the embedded default models know: DEFAULT_WORLD, pretrain/presets.ts) or, with
// `split: tuning`, a version 2 world's tuning split; and any real dataset file in an editing format
// (CounterFact ROME / EasyEdit, ZsRE MEND, RippleEdits, KnowEdit). Each record becomes a
// CellRecord whose `request` is what a method sees and whose `data` is the canonical EditRecord the
// metrics read (adapters/edit-metrics.ts).
import { resolve } from 'node:path';
import {
  benchmarkView, buildWorld, fill, loadDataset, parseDataset, qaPrompt, renderCounterFact, renderKnowEdit, renderZsre, RELATIONS, tuningView, WORLD_SIZES, WORLD_VERSIONS,
  type CanonicalRecord, type EditRecord, type FormatName, type LoadedDataset, type World, type WorldVersion,
} from '@editlab/datasets';
import type { CellRecord, DatasetEntry, JsonSchema, TuningRecord } from '../registries';
import { RunnerError } from '../errors';
import { DEFAULT_WORLD } from '../pretrain/presets';
import type { JsonObject, JsonValue } from '../util/json';

const EDIT_FORMATS: readonly FormatName[] = ['counterfact-rome', 'counterfact-easyedit', 'zsre-mend', 'rippleedits', 'knowedit'];

const SLICE: Record<string, JsonSchema> = {
  n: { type: 'integer', minimum: 1, default: 100, description: 'Records to use (after offset); fewer when the dataset is smaller.' },
  offset: { type: 'integer', minimum: 0, default: 0, description: 'First record used (0-based), for disjoint samples.' },
  relation: {
    type: 'string', minLength: 1,
    description: 'Evaluate only records of this relation id (e.g. P36, the capital of a country; ForGet Table 4\'s case study), before offset and n; the pool methods locate on and the tuning split keep every relation. Default: every relation.',
  },
};
/** The world params of every world dataset (editing and unlearning); the default world is the committed models'. */
export const WORLD_PARAMS: Record<string, JsonSchema> = {
  worldSeed: { type: 'integer', minimum: 0, default: DEFAULT_WORLD.seed, description: `World seed (the embedded default models know world ${DEFAULT_WORLD.seed}).` },
  worldSize: { enum: Object.keys(WORLD_SIZES), default: DEFAULT_WORLD.size, description: `World size (the embedded default models know "${DEFAULT_WORLD.size}").` },
  world: {
    enum: [...WORLD_VERSIONS], default: DEFAULT_WORLD.version,
    description: `World version: ${DEFAULT_WORLD.version} is the world the committed default models were trained on (docs/default-models.md); version 2 adds 1000 CounterFact records, the tuning split, aliases, two-hop facts and named refusals to version 1 (packages/datasets README).`,
  },
};
/** The editing world datasets' params: the world, and which split of its records. */
const EDIT_WORLD_PARAMS: Record<string, JsonSchema> = {
  ...WORLD_PARAMS,
  split: {
    enum: ['benchmark', 'tuning'], default: 'benchmark',
    description: 'Which records: the benchmark, or (world 2) the tuning split, whose subjects occur in no benchmark file, for tuning hyper-parameters and training side models.',
  },
  sideRecords: {
    type: 'integer', minimum: 1,
    description: 'Side models (SERAC, LTE, RECIPE: stages that read the tuning split) train on its first sideRecords records only. With split: tuning and offset ≥ sideRecords, a spec measures side-model settings on tuning records they never saw (docs/memory-editors.md "Diagnosis"). Default: the whole split.',
  },
};

/** `split: tuning` needs `world: 2` (version 1 has no tuning split). */
const TUNING_NEEDS_V2: JsonSchema = {
  if: { type: 'object', properties: { split: { const: 'tuning' } }, required: ['split'] },
  then: { type: 'object', properties: { world: { const: 2, description: 'The tuning split exists in world 2 only.' } }, required: ['world'] },
};

/** " y" with exactly one leading space: how a target follows its prompt (ROME/MEMIT `f" {target}"`, as the metrics score it). */
export const spaced = (target: string): string => ` ${target.replace(/^\s+/, '')}`;

/**
 * The request a method edits with, from a canonical record (the evaluation prompts stay in `data`).
 * Targets get their leading space here (the files store "Paris", the model continues " Paris"), so a
 * method trains on exactly the tokens the metrics score.
 */
export function editCellRecord(r: EditRecord): CellRecord {
  return {
    id: r.id,
    request: {
      prompt: r.prompt,
      subject: r.subject,
      targetNew: spaced(r.targetNew),
      ...(r.targetTrue !== undefined ? { targetTrue: spaced(r.targetTrue) } : {}),
      ...(r.relationId !== undefined ? { relationId: r.relationId } : {}),
    },
    data: r as unknown as JsonValue,
  };
}

/** The located error of a file with malformed records: how many, and the first one's file, index and field. */
export function malformedError(loaded: LoadedDataset, what: string): RunnerError {
  const m = loaded.malformed[0]!;
  return new RunnerError('DATA', `${what}: ${loaded.malformed.length} malformed record(s), first ${m.file} record ${m.index} field ${m.field}: ${m.message} (check it with \`editlab data inspect\`)`);
}

function slice(loaded: LoadedDataset, params: JsonObject, what: string, all = false): CellRecord[] {
  if (loaded.malformed.length) throw malformedError(loaded, what);
  const every = loaded.records.filter((r: CanonicalRecord): r is EditRecord => r.kind === 'edit');
  if (every.length === 0) throw new RunnerError('DATA', `${what}: no editing records (format ${loaded.format}); editing tables need one of ${EDIT_FORMATS.join(', ')}`);
  // `relation` picks the evaluated records only: the pool (locating, which falls back on other relations'
  // rankings) and the tuning split stay the whole file.
  const relation = params['relation'] === undefined || all ? undefined : String(params['relation']);
  const edits = relation === undefined ? every : every.filter((r) => r.relationId === relation);
  if (edits.length === 0) throw new RunnerError('DATA', `${what}: no records of relation '${relation}' (relations here: ${[...new Set(every.map((r) => r.relationId ?? '?'))].sort().join(', ')})`);
  const offset = Number(params['offset'] ?? 0);
  const n = Number(params['n'] ?? 100);
  if (offset >= edits.length) throw new RunnerError('DATA', `${what}: offset ${offset} is past its ${edits.length} records${relation === undefined ? '' : ` of relation '${relation}'`}`);
  return (all ? edits : edits.slice(offset, offset + n)).map(editCellRecord);
}

/** How a world's records are named in messages and meta: `world(seed, size, version N[ suffix])`. */
export const worldLabel = (params: JsonObject, suffix = ''): string =>
  `world(${params['worldSeed'] ?? DEFAULT_WORLD.seed}, ${params['worldSize'] ?? DEFAULT_WORLD.size}, version ${params['world'] ?? DEFAULT_WORLD.version}${suffix})`;

const worlds = new Map<string, World>();
/** The world of these params (built once per seed, size and version). */
export function world(params: JsonObject): World {
  const version = Number(params['world'] ?? DEFAULT_WORLD.version) as WorldVersion;
  const key = `${params['worldSeed'] ?? DEFAULT_WORLD.seed}/${params['worldSize'] ?? DEFAULT_WORLD.size}/${version}`;
  let w = worlds.get(key);
  if (!w) {
    w = buildWorld(Number(params['worldSeed'] ?? DEFAULT_WORLD.seed), String(params['worldSize'] ?? DEFAULT_WORLD.size), {}, { version });
    worlds.set(key, w);
  }
  return w;
}

/** The world the records are rendered from: its benchmark, or its tuning split. */
function worldSplit(params: JsonObject, id: string): World {
  const w = world(params);
  if (params['split'] !== 'tuning') return benchmarkView(w);
  if (!w.tuning) throw new RunnerError('DATA', `${id}: split "tuning" needs world: 2 (world ${w.version} has no tuning split)`);
  return tuningView(w);
}

/** The record with every prompt put in the world's one QA format ("Question: q\nAnswer:"). */
function asQA(r: EditRecord): EditRecord {
  const probe = <P extends { prompt: string }>(p: P): P => ({ ...p, prompt: qaPrompt(p.prompt) });
  return {
    ...r,
    prompt: qaPrompt(r.prompt),
    paraphrasePrompts: r.paraphrasePrompts.map(qaPrompt),
    neighborhood: r.neighborhood.map(probe),
    locality: r.locality.map(probe),
    portability: r.portability.map(probe),
  };
}

/**
 * The world's relation id of a record whose format has none (ZsRE MEND, KnowEdit): the fact with this
 * subject and true object, or (an insertion, which has no true object) the relation one of whose
 * statement templates the prompt is. Locating is per relation type (ForGet §4), so these records need it too.
 */
function withRelation(w: World, r: EditRecord): EditRecord {
  if (r.relationId !== undefined) return r;
  if (r.targetTrue === undefined) {
    const rel = RELATIONS.find((x) => x.statements.some((t) => fill(t, r.subject) === r.prompt));
    return rel ? { ...r, relationId: rel.id } : r;
  }
  const name = (id: string) => w.entity(id).name;
  const f = w.facts.find((x) => name(x.subject) === r.subject && name(x.object) === r.targetTrue);
  return f ? { ...r, relationId: f.relation } : r;
}

/**
 * The tuning split side models train on (docs/definitions.md §4): the version 2 world's tuning records of the
 * same seed and size, whatever `world` the benchmark uses (a version 1 model sees them as counterfactual edits
 * about people it never met: the side models learn the edit format, not the facts). Every tuning subject is
 * absent from every benchmark file (packages/datasets README, "World version 2").
 */
const TUNING_SPLIT: JsonObject = { world: 2, split: 'tuning' };

/** How many of the tuning split's records side models train on (`sideRecords`; all by default). */
const sideRecordsOf = (params: JsonObject): number => (typeof params['sideRecords'] === 'number' ? params['sideRecords'] : Infinity);

/** Edit records as a tuning split; `w`, the world they come from, adds each record's same-subject probes. */
function asTuning(records: readonly CellRecord[], w?: World): TuningRecord[] {
  return records.map((c) => {
    const r = c.data as unknown as EditRecord;
    return {
      request: c.request, paraphrases: r.paraphrasePrompts,
      neighbours: r.neighborhood.filter((n) => n.answers.length > 0).map((n) => ({ prompt: n.prompt, target: spaced(n.answers[0]!) })),
      ...(w ? { sameSubject: sameSubjectProbes(w, r) } : {}),
    };
  });
}

/**
 * The record's subject's other facts in world `w`, one prompt each (the relation's first statement template, as
 * KnowEdit's Relation_Specificity asks them: the subject named, another relation), with the true object.
 */
function sameSubjectProbes(w: World, r: EditRecord): { prompt: string; target: string }[] {
  const subject = w.entities.find((e) => e.name === r.subject);
  if (!subject) return [];
  return w.facts
    .filter((f) => f.subject === subject.id && f.relation !== r.relationId)
    .map((f) => ({ prompt: fill(RELATIONS.find((x) => x.id === f.relation)!.statements[0]!, r.subject), target: spaced(w.entity(f.object).name) }));
}

function worldEntry(
  id: string, version: string, description: string, format: FormatName, render: (w: World, p: JsonObject) => object[], extra: Record<string, JsonSchema> = {},
  tuning: JsonObject | undefined = TUNING_SPLIT,
): DatasetEntry {
  return {
    id,
    version,
    description,
    paramsSchema: { type: 'object', properties: { ...EDIT_WORLD_PARAMS, ...extra, ...SLICE }, ...TUNING_NEEDS_V2 },
    load: async (params) => slice(loadWorld(params), params, id),
    pool: async (params) => slice(loadWorld(params), params, id, true),
    ...(tuning ? { tuning: async (params: JsonObject) => {
      const p = { ...params, ...tuning };
      return asTuning(slice(loadWorld(p), params, id, true), worldSplit(p, id)).slice(0, sideRecordsOf(params));
    } } : {}),
  };
  function loadWorld(params: JsonObject): LoadedDataset {
    const split = params['split'] === 'tuning' ? ' tuning' : '';
    const file = `${worldLabel(params, split)} ${id}`;
    const w = worldSplit(params, id);
    const loaded = parseDataset(JSON.stringify(render(w, params)), format, file);
    const edit = (r: EditRecord) => withRelation(w, params['qaFormat'] === true ? asQA(r) : r);
    return { ...loaded, records: loaded.records.map((r) => (r.kind === 'edit' ? edit(r) : r)) };
  }
}

export const worldCounterfact = worldEntry(
  'world-counterfact',
  '2',
  'CounterFact-style records (ROME format) of the synthetic world: rewrite, paraphrase, neighborhood and generation prompts',
  'counterfact-rome',
  (w) => renderCounterFact(w),
);

export const worldZsre = worldEntry(
  'world-zsre',
  '3',
  'ZsRE-style records (MEND format) of the synthetic world: src, rephrase, alt (the new target), loc/loc_ans',
  'zsre-mend',
  (w, p) => renderZsre(w, false, p['qaFormat'] === true ? 'question' : 'nq'),
  {
    qaFormat: {
      type: 'boolean', default: true,
      description: 'Ask src, rephrase and loc in the QA format the world corpus uses ("Question: q\\nAnswer:"), with loc in the world\'s question template; false = the raw MEND strings ("nq question: …"), which the tiny models were never trained on.',
    },
  },
);

/**
 * World version 2's KnowEdit-style records (ForGet Table 6 runs on WikiData_counterfact and WikiData_recent).
 * Its tuning split is the version 2 world's CounterFact-style tuning records (SERAC's side models learn the
 * edit format there; the tuning view has no KnowEdit records). A WikiData_recent insertion has no true
 * target, so its pool (what ForGet's per-relation locating reads) also holds the WikiData_counterfact
 * records: known facts of the same relations (docs/forget-t6-t8.md).
 */
const knowEditBase = worldEntry(
  'world-knowedit',
  '2',
  'KnowEdit-style records of a version 2 world: WikiData_counterfact rewrites or WikiData_recent insertions, with two-hop (Reasoning) and alias portability and Relation_Specificity locality',
  'knowedit',
  (w, p) => renderKnowEdit(w, p['set'] === 'recent' ? 'recent' : 'counterfact'),
  {
    world: { enum: [2], default: 2, description: 'World version: KnowEdit-style records exist in world 2 only.' },
    split: { enum: ['benchmark'], default: 'benchmark', description: 'The benchmark (the tuning split has no KnowEdit records).' },
    set: { enum: ['counterfact', 'recent'], default: 'counterfact', description: 'WikiData_counterfact (an existing fact rewritten) or WikiData_recent (a missing fact inserted; no true target).' },
  },
  undefined,
);
export const worldKnowEdit: DatasetEntry = {
  ...knowEditBase,
  pool: async (params, ctx) => {
    const own = await knowEditBase.pool!(params, ctx);
    return params['set'] === 'recent' ? [...(await knowEditBase.pool!({ ...params, set: 'counterfact' }, ctx)), ...own] : own;
  },
  tuning: (params, ctx) => worldCounterfact.tuning!({ ...params, world: 2, split: 'benchmark' }, ctx),
};

/** A real dataset file in an editing format, e.g. ../shared/data/counterfact/counterfact-rome-format.dev.json. */
export const editFile: DatasetEntry = {
  id: 'edit-file',
  version: '2',
  description: 'A local dataset file in an editing format (CounterFact ROME/EasyEdit, ZsRE MEND, RippleEdits, KnowEdit), relative to the spec',
  paths: { path: 'file', tuningPath: 'file' },
  paramsSchema: {
    type: 'object',
    required: ['path'],
    properties: {
      path: { type: 'string', minLength: 1, description: 'The file, relative to the spec file.' },
      format: { enum: [...EDIT_FORMATS], description: 'The format; detected from the file when omitted.' },
      ...SLICE,
      tuningRecords: {
        type: 'integer', minimum: 1,
        description: 'The tuning split side models (SERAC, LTE, RECIPE: stages that read the tuning split) train on: the first tuningRecords records of tuningPath, or of this file, when the evaluated records start at offset ≥ tuningRecords (a dev split disjoint from them; docs/definitions.md §4). Default: no tuning split (such stages cannot run).',
      },
      tuningPath: { type: 'string', minLength: 1, description: 'Another file (relative to the spec) whose first tuningRecords records are the tuning split. Default: this file.' },
    },
  },
  load: async (params, ctx) => loadFile(params, ctx.specDir, false),
  pool: async (params, ctx) => loadFile(params, ctx.specDir, true),
  tuning: async (params, ctx) => fileTuning(params, ctx.specDir),
  hasTuning: (params) => typeof params['tuningRecords'] === 'number',
};

/** The edit file's tuning split: the first `tuningRecords` records of `tuningPath` (default: the evaluated file, before `offset`). */
function fileTuning(params: JsonObject, specDir: string): TuningRecord[] {
  const n = params['tuningRecords'];
  if (typeof n !== 'number') throw new RunnerError('DATA', `edit-file ${String(params['path'])}: no tuning split (set tuningRecords, and tuningPath for another file) for the stages that train side models`);
  const other = params['tuningPath'];
  const records = typeof other === 'string'
    ? loadFile({ path: other }, specDir, true)
    : loadFile(params, specDir, true);
  return asTuning(records.slice(0, n));
}

function loadFile(params: JsonObject, specDir: string, all: boolean): CellRecord[] {
  const path = resolve(specDir, String(params['path']));
  // Side models train on the first tuningRecords records of this file: the evaluated ones must come after them.
  const tuning = params['tuningRecords'];
  if (!all && typeof tuning === 'number' && params['tuningPath'] === undefined && Number(params['offset'] ?? 0) < tuning) {
    throw new RunnerError('DATA', `${path}: the evaluated records (offset ${Number(params['offset'] ?? 0)}) overlap the tuning split (its first ${tuning} records): set offset ≥ ${tuning}, or tuningPath to another file`);
  }
  try {
    const loaded = loadDataset(path, params['format'] !== undefined ? { format: String(params['format']) as FormatName } : {});
    return slice(loaded, params, path, all);
  } catch (e) {
    if (e instanceof RunnerError) throw e;
    throw new RunnerError('DATA', (e as Error).message, { cause: e });
  }
}

export const EDIT_DATASETS: readonly DatasetEntry[] = [worldCounterfact, worldZsre, worldKnowEdit, editFile];
