export const PACKAGE = '@editlab/datasets';

export { CANONICAL_VERSION } from './types';
export type { FormatName, Probe, EditRecord, QAItem, MultipleChoiceItem, CanonicalRecord } from './types';
export { DatasetError, describeMalformed } from './errors';
export type { DatasetErrorCode, MalformedRecord } from './errors';
export { WorldRng, fnv1a } from './rng';
export { QA_FORMAT, qaPrompt, formatQA, parseQA } from './qa';

export { buildWorld, neighbours } from './world/build';
export type { World, Entity, Fact, WorldEdit, RippleEdit, BuildOptions } from './world/build';
export { WORLD_SIZES, WORLD_SIZES_V2, WORLD_VERSIONS, DEFAULT_WORLD_VERSION, worldOptions, worldVersion } from './world/size';
export type { WorldOptions, WorldOptionsV2, WorldSizeName, WorldVersion } from './world/size';
export { benchmarkView, tuningView, editedFacts } from './world/v2';
export type { Insertion, TuningSplit } from './world/v2';
export { NAMED_REFUSAL_TEMPLATES, RELATION_NOUNS, namedRefusal } from './world/refusal';
export { renderKnowEdit, VIA } from './world/two-hop';
export { worldCapacity } from './world/capacity';
export type { WorldCapacity } from './world/capacity';
export {
  RELATIONS, RELATION_BY_ID, CHAINS, ENTITY_TYPES, REFUSAL_POOL, PREFIX_SENTENCES, GENERATION_TEMPLATES,
} from './world/schema';
export type { EntityType, RelationDef, ChainDef } from './world/schema';
export type { Contract } from './world/contracts';
export { renderCorpus, refusalQA, factProbes, heldOutQAProbes, generationPrompts, fill, aliasDocs, twoHopDocs } from './world/corpus';
export type { FactProbe, RefusalItem, RefusalQA } from './world/corpus';
export {
  renderCounterFact, renderCounterFactEasyEdit, renderZsre, renderRipple, renderTofu, renderPistol, renderRefusal, renderMmlu,
} from './world/benchmarks';
export { renderFiles, renderWorld, WORLD_FILES, WORLD_FILES_V2 } from './world/render';

export { detectFormat, loadDataset, parseDataset } from './formats/load';
export type { LoadedDataset, LoadOptions } from './formats/load';
export { FORMATS, formatByName } from './formats/registry';
export type { FormatInfo } from './formats/registry';
export { parseRecords } from './formats/read';
export { MMLU_HEADER, mmluSubject } from './formats/mmlu';
export { RIPPLE_FAMILIES } from './formats/ripple';
export { recordSequences, longestSequences } from './formats/lengths';
export type { RecordSequence, LongestSequence, LengthReport } from './formats/lengths';
