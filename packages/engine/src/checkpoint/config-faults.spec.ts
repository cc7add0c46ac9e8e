// Faulty config.json / tokenizer.json files are reported in the file that is wrong (issue 19): JSON
// `null`, a list, and every field of the `editlab` block, never as a TypeError or a shape mismatch
// blamed on model.safetensors.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/index';
import { tinyConfig } from '../model/testing';
import { trainBpe } from '../tokenizer/train';
import { loadCheckpoint, saveCheckpoint } from './index';
import { disposeAll, randomWeights, removeTempDirs, tempDir, toTf } from './testing';

afterAll(removeTempDirs);
let dir = '';
let config: Record<string, unknown> = {};
let tokenizer = '';

beforeAll(async () => {
  await initBackend();
  dir = tempDir('faults');
  const c = tinyConfig('gpt2');
  const w = toTf(randomWeights(c, 1));
  await saveCheckpoint(dir, { config: c, weights: w, tokenizer: trainBpe(['the cat sat on the mat'], { vocabSize: 270 }) });
  disposeAll(w);
  config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  tokenizer = readFileSync(join(dir, 'tokenizer.json'), 'utf8');
});

async function loadError(files: { config?: string; tokenizer?: string }): Promise<string> {
  writeFileSync(join(dir, 'config.json'), files.config ?? JSON.stringify(config));
  writeFileSync(join(dir, 'tokenizer.json'), files.tokenizer ?? tokenizer);
  try {
    const ck = await loadCheckpoint(dir);
    disposeAll(ck.weights);
  } catch (e) {
    return `${(e as { code: string }).code} ${(e as Error).message.replaceAll(dir, '<dir>')}`;
  }
  return 'loaded';
}

describe('config.json and tokenizer.json faults name the file', () => {
  it('the unmodified checkpoint loads', async () => {
    expect(await loadError({})).toBe('loaded');
  });

  it('config.json or tokenizer.json that is JSON null or a list', async () => {
    expect(await loadError({ config: 'null' })).toBe('CKPT_BAD_CONFIG <dir>/config.json: must be a JSON object, got null');
    expect(await loadError({ config: '[1]' })).toBe('CKPT_BAD_CONFIG <dir>/config.json: must be a JSON object, got a list');
    expect(await loadError({ tokenizer: 'null' })).toBe('TOK_BAD_JSON <dir>/tokenizer.json: must be a JSON object, got null');
  });

  it('a tokenizer.json with fields of the wrong kind', async () => {
    const tok = JSON.parse(tokenizer) as Record<string, unknown>;
    expect(await loadError({ tokenizer: JSON.stringify({ ...tok, added_tokens: 5 }) })).toBe('TOK_BAD_JSON <dir>/tokenizer.json: added_tokens must be a list');
    expect(await loadError({ tokenizer: JSON.stringify({ ...tok, added_tokens: [null] }) })).toBe('TOK_BAD_JSON <dir>/tokenizer.json: added_tokens[0] needs an integer id and a string content');
  });

  const cases: Array<[string, (b: Record<string, unknown>) => unknown, string]> = [
    ['not an object', () => 5, "the 'editlab' block must be an object (the engine's model config), got 5"],
    ['null', () => null, "the 'editlab' block must be an object (the engine's model config), got null"],
    ['unknown arch', (b) => ({ ...b, arch: 'bert' }), 'editlab.arch must be "gpt2" or "llama", got "bert"'],
    ['a string width', (b) => ({ ...b, dModel: '32' }), 'editlab.dModel must be a positive integer, got "32"'],
    ['a missing field', (b) => ({ ...b, vocabSize: undefined }), 'editlab.vocabSize must be a positive integer, got undefined'],
    ['a negative eps', (b) => ({ ...b, normEps: -1 }), 'editlab.normEps must be a positive number, got -1'],
    ['heads that do not divide the width', (b) => ({ ...b, nHeads: 5 }), 'editlab.dModel 32 is not divisible by nHeads 5'],
    ['a non-boolean flag', (b) => ({ ...b, tieEmbeddings: 'yes' }), 'editlab.tieEmbeddings must be true or false, got "yes"'],
  ];
  it('an editlab block inconsistent with the tensors names config.json beside the tensor file', async () => {
    const c = { ...config, editlab: { ...(config['editlab'] as object), maxSeq: 50 } };
    expect(await loadError({ config: JSON.stringify(c) })).toBe('CKPT_BAD_TENSORS <dir>/model.safetensors: shape mismatch: pos_embed.W_pos is [48, 32], expected [50, 32] (the shapes expected are those <dir>/config.json describes)');
  });

  for (const [name, mutate, message] of cases) {
    it(`editlab block: ${name}`, async () => {
      const c = { ...config, editlab: mutate(config['editlab'] as Record<string, unknown>) };
      expect(await loadError({ config: JSON.stringify(c) })).toBe(`CKPT_BAD_CONFIG <dir>/config.json: ${message}`);
    });
  }
});

describe('config.json with any field replaced by any JSON value (fast-check)', () => {
  it('loads, or fails with a CheckpointError naming config.json or the safetensors file', async () => {
    const paths = [...Object.keys(config).map((k) => [k]), ...Object.keys(config['editlab'] as object).map((k) => ['editlab', k])];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.constantFrom(0, -1, 2 ** 53, 1e300, 3, 'llama')), async (path, value) => {
        const c = structuredClone(config);
        if (path.length === 1) c[path[0]!] = value;
        else (c[path[0]!] as Record<string, unknown>)[path[1]!] = value;
        const r = await loadError({ config: JSON.stringify(c) });
        expect(r).toMatch(/^loaded$|^CKPT_[A-Z_]+ <dir>\/(config\.json|model\.safetensors): /);
      }),
      { numRuns: 60, seed: 19 },
    );
  });
});
