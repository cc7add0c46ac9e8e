// Locating (ForGet §4): EAP-IG knowledge circuits and the MLP layers ranked by their degree in them.
export { locateMlps, LOCATE_DEFAULTS } from './locate';
export type { LocateOptions, LocateResult } from './locate';
export { corruptFacts } from './corrupt';
export type { LocateFact, CorruptedFact } from './corrupt';
export { attributeEdges } from './attribute';
export type { Attribution, AttributeOptions } from './attribute';
export { buildGraph, headNodeName, mlpNodeName } from './graph';
export type { Graph, GraphNode, GraphEdge, NodeKind } from './graph';
export { selectCircuit, pruneDead, mlpDegrees, rankMlps } from './circuit';
export type { Circuit, Selection, DegreeKind } from './circuit';
export { metricSum } from './metric';
export type { LocateMetric } from './metric';
