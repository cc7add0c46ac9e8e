// Hostile data files (issue 19): invalid UTF-8 and empty MMLU CSVs are errors naming the file and the
// byte or line; the loaders on random mutations of the real dev files throw only DatasetErrors.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../errors';
import { loadDataset } from './load';
import { decodeUtf8, firstInvalidUtf8, looksLikeJsonLines } from './read';

const dir = mkdtempSync(join(tmpdir(), 'editlab-read-'));
const write = (name: string, bytes: string | Uint8Array): string => {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
};
const errorOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof DatasetError) return `${e.code} ${e.message.replace(dir, '<dir>')}`;
    throw e;
  }
  return 'no error';
};

describe('invalid UTF-8', () => {
  it('is refused at the first invalid byte, with its line', () => {
    const good = Buffer.from('[{"case_id": 1,\n "prompt": "caf\u00e9 ');
    const file = write('bad.json', Buffer.concat([good, Buffer.from([0xff, 0x41]), Buffer.from('"}]')]));
    expect(errorOf(() => loadDataset(file, { format: 'counterfact-rome' }))).toBe(`DATASET_READ <dir>/bad.json: invalid UTF-8 at byte ${good.length} (line 2, byte 0xff); save the file as UTF-8`);
  });

  it('the validator agrees with the WHATWG decoder on every byte string', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), (b) => {
        let ok = true;
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(b);
        } catch {
          ok = false;
        }
        expect(firstInvalidUtf8(b) === b.length).toBe(ok);
      }),
      { numRuns: 2000, seed: 19 },
    );
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xed, 0xa0, 0x80]))).toBe(1); // a UTF-16 surrogate
    expect(firstInvalidUtf8(Buffer.from([0xe2, 0x82]))).toBe(0); // truncated at the end
    expect(decodeUtf8(Buffer.from('\ufeffok'), 'f')).toBe('\ufeffok');
  });
});

describe('MMLU CSV without questions', () => {
  it('an empty file and a header-only file are errors with the line', () => {
    expect(errorOf(() => loadDataset(write('empty_test.csv', ''), { format: 'mmlu-csv' }))).toBe(
      'DATASET_PARSE <dir>/empty_test.csv: line 1: no questions (the file is empty); an MMLU CSV has one row per question: question, 4 choices, answer',
    );
    expect(errorOf(() => loadDataset(write('head_test.csv', '\nquestion,choice0,choice1,choice2,choice3,answer\n'), { format: 'mmlu-csv' }))).toBe(
      'DATASET_PARSE <dir>/head_test.csv: line 3: no questions after the header; an MMLU CSV has one row per question: question, 4 choices, answer',
    );
  });
});

// The real dev subsets live beside the repo: <repo>/../shared/data (never copied into the repo).
const SHARED = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../shared/data');
const REAL: Array<[string, string]> = [
  ['counterfact/counterfact-rome-format.dev.json', '.json'],
  ['counterfact/counterfact-edit.dev.json', '.json'],
  ['zsre/zsre_mend_eval_portability_gpt4.dev.json', '.json'],
  ['rippleedits/random.sample.json', '.json'],
  ['tofu/world_facts_perturbed.json', '.json'],
  ['pistol/sample_data_1.dev.json', '.json'],
  ['mmlu/dev/management_dev.csv', '_dev.csv'],
];

/** Mutations of a file: flipped, inserted and deleted bytes, and a truncation. */
const mutation = (n: number) =>
  fc.record({
    edits: fc.array(fc.record({ at: fc.nat({ max: n - 1 }), kind: fc.constantFrom('flip', 'insert', 'delete'), byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 6 }),
    cut: fc.option(fc.nat({ max: n }), { nil: undefined }),
  });

function mutate(src: Uint8Array, m: { edits: { at: number; kind: string; byte: number }[]; cut: number | undefined }): Uint8Array {
  const b = [...src];
  for (const e of m.edits) {
    const at = e.at % Math.max(1, b.length);
    if (e.kind === 'flip') b[at] = e.byte;
    else if (e.kind === 'insert') b.splice(at, 0, e.byte);
    else b.splice(at, 1);
  }
  return Uint8Array.from(m.cut === undefined ? b : b.slice(0, m.cut));
}

/** A small valid file of the same format: the first 3 records (JSON, JSON Lines) or 4 lines (CSV). */
function head(rel: string): Buffer {
  const text = readFileSync(join(SHARED, rel), 'utf8');
  if (rel.endsWith('.csv') || looksLikeJsonLines(text)) return Buffer.from(text.split('\n').slice(0, 4).join('\n') + '\n');
  const v = JSON.parse(text) as unknown;
  return Buffer.from(JSON.stringify(Array.isArray(v) ? v.slice(0, 3) : v, null, 1));
}

/** Replace the value at a random path of a JSON document by a random JSON value. */
function replaceAt(doc: unknown, path: number[], value: unknown): unknown {
  if (!path.length || doc === null || typeof doc !== 'object') return value;
  const keys = Object.keys(doc);
  if (!keys.length) return value;
  const k = keys[path[0]! % keys.length]!;
  const copy: Record<string, unknown> = Array.isArray(doc) ? ([...doc] as unknown as Record<string, unknown>) : { ...(doc as Record<string, unknown>) };
  copy[k] = replaceAt((doc as Record<string, unknown>)[k], path.slice(1), value);
  return copy;
}

const loadsOrDatasetError = (file: string) => {
  try {
    loadDataset(file);
  } catch (e) {
    if (!(e instanceof DatasetError)) throw e;
    expect(e.message).toContain(file);
  }
};

describe.skipIf(!existsSync(SHARED))('loaders on random mutations of the real dev files (../shared/data)', () => {
  for (const [rel, ext] of REAL) {
    const src = existsSync(SHARED) ? head(rel) : Buffer.alloc(0);
    it(`${rel}: byte mutations give a DatasetError naming the file, or records`, () => {
      fc.assert(fc.property(mutation(src.length), (m) => loadsOrDatasetError(write(`mut${ext}`, mutate(src, m)))), { numRuns: 40, seed: 19 });
    });
    if (ext === '.json' && !looksLikeJsonLines(src.toString())) {
      it(`${rel}: any field replaced by any JSON value gives a DatasetError naming the file, or records`, () => {
        const doc = JSON.parse(src.toString()) as unknown;
        fc.assert(
          fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), fc.jsonValue({ maxDepth: 2 }), (path, value) =>
            loadsOrDatasetError(write(`val${ext}`, JSON.stringify(replaceAt(doc, path, value))))),
          { numRuns: 60, seed: 19 },
        );
      });
    }
  }
});
