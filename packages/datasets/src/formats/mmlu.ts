// MMLU CSV (Hendrycks et al. 2021). Two layouts: the original hendrycks/test files (no header;
// question, A, B, C, D, answer letter A–D) and the Hugging Face cais/mmlu layout written to CSV
// (header `question,choice0,choice1,choice2,choice3,answer`, answer = 0-based index). RFC 4180 quoting
// is parsed by csv-parse. The subject is the file name minus `_test.csv` / `_dev.csv`.
import { basename } from 'node:path';
import { parse } from 'csv-parse/sync';
import { DatasetError } from '../errors';
import { CANONICAL_VERSION, type MultipleChoiceItem } from '../types';
import type { RecordChecker } from './validate';

export const MMLU_HEADER = ['question', 'choice0', 'choice1', 'choice2', 'choice3', 'answer'] as const;

export function mmluSubject(file: string): string {
  return basename(file).replace(/\.csv$/i, '').replace(/_(test|dev|val|validation|train)$/i, '');
}

export function parseMmluCsv(text: string, c: RecordChecker): MultipleChoiceItem[] {
  let rows: string[][];
  try {
    rows = parse(text, { relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (e) {
    throw new DatasetError('DATASET_PARSE', `${c.file}: not valid CSV (${(e as Error).message})`);
  }
  const header = rows[0]?.join(',') === MMLU_HEADER.join(',');
  const data = header ? rows.slice(1) : rows;
  if (!data.length) {
    const where = header ? `line ${text.split('\n').findIndex((l) => l.trim() !== '') + 2}` : 'line 1';
    throw new DatasetError('DATASET_PARSE', `${c.file}: ${where}: no questions${header ? ' after the header' : ' (the file is empty)'}; an MMLU CSV has one row per question: question, 4 choices, answer`);
  }
  const subject = mmluSubject(c.file);
  const out: MultipleChoiceItem[] = [];
  data.forEach((row, i) => {
    if (row.length !== 6) {
      c.malformed.push({ file: c.file, index: i, field: '(row)', message: `expected 6 columns (question, 4 choices, answer), got ${row.length}` });
      return;
    }
    const a = row[5]!.trim();
    const answerIndex = header ? (/^[0-3]$/.test(a) ? Number(a) : -1) : 'ABCD'.indexOf(a.toUpperCase());
    if (answerIndex < 0 || a === '') {
      c.malformed.push({ file: c.file, index: i, field: 'answer', message: `expected ${header ? 'an index 0–3' : 'a letter A–D'}, got ${JSON.stringify(a)}` });
      return;
    }
    out.push({
      kind: 'mc', source: 'mmlu-csv', version: CANONICAL_VERSION, id: `${subject}:${i}`, question: row[0]!,
      choices: [row[1]!, row[2]!, row[3]!, row[4]!], answerIndex, subject,
    });
  });
  return out;
}
