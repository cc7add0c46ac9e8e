// detectFormat / loadDataset: what `editlab data inspect` calls. A path is a file, or a folder of MMLU
// CSVs. Malformed records are collected (file, index, field); `strict` turns them into one DatasetError.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError, malformedError, type MalformedRecord } from '../errors';
import type { CanonicalRecord, FormatName } from '../types';
import { parseRecords, readText } from './read';
import { formatByName } from './registry';
import { RecordChecker } from './validate';

export interface LoadedDataset {
  readonly format: FormatName;
  readonly files: readonly string[];
  readonly records: readonly CanonicalRecord[];
  readonly malformed: readonly MalformedRecord[];
}

export interface LoadOptions {
  /** Format name; detected from the content when omitted. */
  readonly format?: string;
  /** Throw a DatasetError listing every malformed record instead of returning them. */
  readonly strict?: boolean;
}

function csvFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...csvFiles(p));
    else if (e.name.toLowerCase().endsWith('.csv')) out.push(p);
  }
  return out;
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    throw new DatasetError('DATASET_READ', `${path}: no such file or folder`);
  }
}

/** Which format a file (or a folder of MMLU CSVs) is in, from its name and first record's fields. */
export function detectFormat(path: string): FormatName {
  if (isDir(path)) {
    if (csvFiles(path).length) return 'mmlu-csv';
    throw new DatasetError('DATASET_UNDETECTED', `${path}: a folder without CSV files; give a dataset file`);
  }
  if (path.toLowerCase().endsWith('.csv')) return 'mmlu-csv';
  const first = parseRecords(readText(path), path)[0];
  if (typeof first !== 'object' || first === null) {
    throw new DatasetError('DATASET_UNDETECTED', `${path}: empty or not a list of records; pass a format explicitly`);
  }
  const has = (...ks: string[]): boolean => ks.every((k) => k in first);
  if (has('requested_rewrite')) return 'counterfact-rome';
  if (has('case_id', 'prompt', 'target_new', 'ground_truth')) return 'counterfact-easyedit';
  if (has('src', 'alt', 'answers')) return 'zsre-mend';
  if (has('edit') && ('Compositionality_I' in first || 'Relation_Specificity' in first || 'example_type' in first)) return 'rippleedits';
  if (has('subject', 'prompt', 'target_new') && ('portability' in first || 'locality' in first)) return 'knowedit';
  if (has('question', 'answer', 'edge')) return 'pistol';
  if (has('question', 'answer')) return 'tofu';
  throw new DatasetError('DATASET_UNDETECTED', `${path}: cannot tell the format from fields [${Object.keys(first).join(', ')}]; pass a format explicitly`);
}

export function loadDataset(path: string, options: LoadOptions = {}): LoadedDataset {
  const format = options.format !== undefined ? formatByName(options.format).name : detectFormat(path);
  const info = formatByName(format);
  const files = isDir(path) ? csvFiles(path) : [path];
  const records: CanonicalRecord[] = [];
  const malformed: MalformedRecord[] = [];
  for (const file of files) {
    const c = new RecordChecker(file);
    records.push(...info.parse(readText(file), c));
    malformed.push(...c.malformed);
  }
  if (options.strict && malformed.length) throw malformedError(malformed);
  return { format, files, records, malformed };
}

/** Parses dataset text already in memory (e.g. a world-rendered file) as `format`; `file` names it in errors. */
export function parseDataset(text: string, format: FormatName, file: string): LoadedDataset {
  const info = formatByName(format);
  const c = new RecordChecker(file);
  const records = info.parse(text, c);
  return { format: info.name, files: [file], records, malformed: c.malformed };
}
