import * as tf from '@tensorflow/tfjs';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/index';
import type { ModelConfig } from '../model/config';
import { tinyConfig } from '../model/testing';
import { Transformer } from '../model/transformer';
import { trainBpe } from '../tokenizer/train';
import { CheckpointError } from './errors';
import { transpose } from './hf-names';
import { loadCheckpoint, saveCheckpoint } from './index';
import { serializeSafetensors, type RawTensor } from './safetensors';
import { disposeAll, randomWeights, removeTempDirs, tempDir, toTf } from './testing';

afterAll(removeTempDirs);

beforeAll(async () => {
  await initBackend();
});

const IDS = [[3, 1, 4, 1, 5, 9, 2, 6, 5, 3], [2, 7, 1, 8, 2, 8, 1, 8, 2, 8]];

function logits(config: ModelConfig, w: ReadonlyMap<string, tf.Tensor>): Float32Array {
  const m = Transformer.fromWeights(config, w);
  const ids = Transformer.idsTensor(IDS);
  const out = m.forward(ids);
  const data = out.dataSync() as Float32Array;
  [ids, out].forEach((t) => t.dispose());
  m.dispose();
  return data;
}

function expectSameWeights(got: ReadonlyMap<string, tf.Tensor>, want: ReadonlyMap<string, RawTensor>): void {
  expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
  for (const [n, t] of want) {
    expect(got.get(n)!.shape, n).toEqual(t.shape);
    expect(new Uint8Array((got.get(n)!.dataSync() as Float32Array).buffer), n).toEqual(new Uint8Array(t.data.buffer));
  }
}

const writeDir = (dir: string, config: Record<string, unknown>, files: Record<string, Map<string, RawTensor>>): void => {
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  for (const [f, t] of Object.entries(files)) writeFileSync(join(dir, f), serializeSafetensors(t, { format: 'pt' }));
};

async function expectLoadsAs(dir: string, config: ModelConfig, want: Map<string, RawTensor>, source: string): Promise<void> {
  const ck = await loadCheckpoint(dir);
  expect(ck.source).toBe(source);
  expect(ck.config).toMatchObject(config);
  expectSameWeights(ck.weights, want);
  const ref = toTf(want);
  expect(Array.from(logits(ck.config, ck.weights))).toEqual(Array.from(logits(config, ref)));
  disposeAll(ref);
  disposeAll(ck.weights);
}

describe('saveCheckpoint / loadCheckpoint', () => {
  const variants: Array<[string, ModelConfig, string]> = [
    ['gpt2', tinyConfig('gpt2'), 'gpt2'],
    ['llama untied', tinyConfig('llama', { tieEmbeddings: false }), 'llama'],
    ['qwen2 (GQA, qkv bias)', tinyConfig('llama', { nKvHeads: 2, qkvBias: true }), 'qwen2'],
    ['mistral (GQA, sliding window)', tinyConfig('llama', { nKvHeads: 2, slidingWindow: 8 }), 'mistral'],
  ];
  it.each(variants)('%s: round trip gives bit-identical weights, identical logits, and the tokenizer', async (_l, config, source) => {
    const want = randomWeights(config, 11);
    const dir = tempDir('ckpt');
    const tok = trainBpe(['the cat sat on the mat. the cat ate.'], { vocabSize: 270 });
    const weights = toTf(want);
    const n0 = tf.memory().numTensors;
    await saveCheckpoint(dir, { config, weights, tokenizer: tok });
    expect(tf.memory().numTensors).toBe(n0);
    disposeAll(weights);
    const hf = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(hf.model_type).toBe(source);
    expect(hf[config.arch === 'gpt2' ? 'n_embd' : 'hidden_size']).toBe(config.dModel);
    await expectLoadsAs(dir, config, want, source);
    const ck = await loadCheckpoint(dir);
    disposeAll(ck.weights);
    expect(ck.tokenizer!.toJSON()).toBe(tok.toJSON());
    const noTok = await loadCheckpoint(dir, { tokenizer: false });
    disposeAll(noTok.weights);
    expect(noTok.tokenizer).toBeUndefined();
  });

  it('loads a GPT-2 checkpoint written under HF names (fused c_attn, transformer. prefix, buffers, tied lm_head) from HF config keys', async () => {
    const config: ModelConfig = { ...tinyConfig('gpt2'), normEps: 1e-5, tieEmbeddings: true };
    const w = randomWeights(config, 5);
    const g = (n: string): RawTensor => w.get(n)!;
    const hf = new Map<string, RawTensor>([['transformer.wte.weight', g('embed.W_E')], ['transformer.wpe.weight', g('pos_embed.W_pos')]]);
    const d = config.dModel;
    for (let l = 0; l < config.nLayers; l++) {
      const p = `transformer.h.${l}`, b = `blocks.${l}`;
      // Conv1D weights are [in, out]; c_attn is [d, 3d] with Q | K | V along the columns.
      const cat = new Float32Array(d * 3 * d);
      for (let i = 0; i < d; i++) ['Q', 'K', 'V'].forEach((x, k) => cat.set(g(`${b}.attn.W_${x}`).data.subarray(i * d, (i + 1) * d), i * 3 * d + k * d));
      hf.set(`${p}.attn.c_attn.weight`, { shape: [d, 3 * d], data: cat });
      hf.set(`${p}.attn.c_attn.bias`, { shape: [3 * d], data: new Float32Array([...g(`${b}.attn.b_Q`).data, ...g(`${b}.attn.b_K`).data, ...g(`${b}.attn.b_V`).data]) });
      hf.set(`${p}.attn.bias`, { shape: [1, 1, config.maxSeq, config.maxSeq], data: new Float32Array(config.maxSeq ** 2).fill(1) });
      for (const [x, y] of [['ln_1', 'ln1'], ['ln_2', 'ln2']]) {
        hf.set(`${p}.${x}.weight`, g(`${b}.${y}.w`));
        hf.set(`${p}.${x}.bias`, g(`${b}.${y}.b`));
      }
      for (const [x, wn, bn] of [['attn.c_proj', 'attn.W_O', 'attn.b_O'], ['mlp.c_fc', 'mlp.W_in', 'mlp.b_in'], ['mlp.c_proj', 'mlp.W_out', 'mlp.b_out']]) {
        hf.set(`${p}.${x}.weight`, g(`${b}.${wn}`));
        hf.set(`${p}.${x}.bias`, g(`${b}.${bn}`));
      }
    }
    hf.set('transformer.ln_f.weight', g('ln_final.w'));
    hf.set('transformer.ln_f.bias', g('ln_final.b'));
    hf.set('lm_head.weight', g('embed.W_E'));
    const dir = tempDir('hf-gpt2');
    const cfg = { model_type: 'gpt2', vocab_size: 40, n_embd: 32, n_layer: 2, n_head: 4, n_positions: 48, n_inner: 64, layer_norm_epsilon: 1e-5, activation_function: 'gelu_new' };
    writeDir(dir, cfg, { 'model.safetensors': hf });
    await expectLoadsAs(dir, config, w, 'gpt2');
  });

  it('loads sharded Qwen2 / Llama / Mistral checkpoints: [out, in] Linear weights, GQA, q/k/v bias, untied lm_head, Mistral\'s sliding window', async () => {
    for (const [type, over] of [['qwen2', { nKvHeads: 2, qkvBias: true, tieEmbeddings: false }], ['llama', { nKvHeads: 1, qkvBias: false, tieEmbeddings: false }], ['mistral', { nKvHeads: 2, qkvBias: false, tieEmbeddings: false, slidingWindow: 16 }]] as const) {
      const config: ModelConfig = tinyConfig('llama', { ...over, normEps: 1e-6, ropeTheta: 10000 });
      const w = randomWeights(config, 9);
      const g = (n: string): RawTensor => w.get(n)!;
      const T = (n: string): RawTensor => transpose(g(n)); // nn.Linear stores [out, in]
      const shard1 = new Map<string, RawTensor>([['model.embed_tokens.weight', g('embed.W_E')], ['model.norm.weight', g('ln_final.w')], ['lm_head.weight', T('unembed.W_U')]]);
      const shard2 = new Map<string, RawTensor>([['model.rotary_emb.inv_freq', { shape: [4], data: new Float32Array(4) }]]);
      for (let l = 0; l < config.nLayers; l++) {
        const p = `model.layers.${l}`, b = `blocks.${l}`;
        const s = l === 0 ? shard1 : shard2;
        s.set(`${p}.input_layernorm.weight`, g(`${b}.ln1.w`));
        s.set(`${p}.post_attention_layernorm.weight`, g(`${b}.ln2.w`));
        for (const x of ['q', 'k', 'v', 'o']) s.set(`${p}.self_attn.${x}_proj.weight`, T(`${b}.attn.W_${x.toUpperCase()}`));
        if (config.qkvBias) for (const x of ['q', 'k', 'v']) s.set(`${p}.self_attn.${x}_proj.bias`, g(`${b}.attn.b_${x.toUpperCase()}`));
        for (const [x, y] of [['gate', 'W_gate'], ['up', 'W_in'], ['down', 'W_out']]) s.set(`${p}.mlp.${x}_proj.weight`, T(`${b}.mlp.${y}`));
      }
      const dir = tempDir(`hf-${type}`);
      const cfg = {
        model_type: type, vocab_size: 40, hidden_size: 32, intermediate_size: 64, num_hidden_layers: 2, num_attention_heads: 4,
        num_key_value_heads: config.nKvHeads, max_position_embeddings: 48, rms_norm_eps: 1e-6, rope_theta: 10000, hidden_act: 'silu', tie_word_embeddings: false,
        ...(type === 'mistral' ? { sliding_window: 16 } : {}),
        ...(type === 'qwen2' ? { sliding_window: 8, use_sliding_window: false } : {}),
      };
      writeDir(dir, cfg, { 'model-00001-of-00002.safetensors': shard1, 'model-00002-of-00002.safetensors': shard2 });
      const weightMap = Object.fromEntries([...[...shard1.keys()].map((k) => [k, 'model-00001-of-00002.safetensors']), ...[...shard2.keys()].map((k) => [k, 'model-00002-of-00002.safetensors'])]);
      writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }));
      await expectLoadsAs(dir, config, w, type);
    }
  });

  it('refuses missing, unexpected and mis-shaped tensors and unsupported configs, listing them', async () => {
    const config = tinyConfig('gpt2');
    const dir = tempDir('bad');
    const weights = toTf(randomWeights(config, 1));
    await saveCheckpoint(dir, { config, weights });
    disposeAll(weights);
    const file = join(dir, 'model.safetensors');
    const { parseSafetensors } = await import('./safetensors');
    const t = parseSafetensors(readFileSync(file)).tensors;
    t.delete('h.1.mlp.c_fc.bias');
    t.set('h.0.attn.extra', { shape: [1], data: new Float32Array(1) });
    writeFileSync(file, serializeSafetensors(t));
    await expect(loadCheckpoint(dir)).rejects.toThrow(/missing tensors: h\.1\.mlp\.c_fc\.bias; unexpected tensors: h\.0\.attn\.extra/);
    t.delete('h.0.attn.extra');
    t.set('h.1.mlp.c_fc.bias', { shape: [63], data: new Float32Array(63) });
    writeFileSync(file, serializeSafetensors(t));
    await expect(loadCheckpoint(dir)).rejects.toThrow(/blocks\.1\.mlp\.b_in is \[63\], expected \[64\]/);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'bert', hidden_size: 8 }));
    await expect(loadCheckpoint(dir)).rejects.toThrow(CheckpointError);
    await expect(loadCheckpoint(dir)).rejects.toThrow(/config\.json: model_type "bert" is not supported/);
  });
});
