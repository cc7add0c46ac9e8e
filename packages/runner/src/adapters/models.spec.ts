// The checkpoint model entry on a real Hugging Face style directory written by the engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { initBackend, saveCheckpoint, trainBpe, Transformer } from '@editlab/engine';
import { tmpWorkspace } from '../testing/tmp';
import { checkpointModel, embeddedModel } from './models';

const ws = tmpWorkspace();
afterAll(() => ws.cleanup());

beforeAll(async () => {
  await initBackend();
  const tokenizer = trainBpe(['the cat sat on the mat', 'the dog sat on the log'], { vocabSize: 300 });
  const t = Transformer.init({ arch: 'llama', vocabSize: tokenizer.vocabSize, dModel: 16, nLayers: 1, nHeads: 2, dMlp: 32, maxSeq: 32 }, 1);
  await saveCheckpoint(join(ws.cwd, 'models', 'tiny'), { config: t.config, weights: t.params, tokenizer });
  t.dispose();
});

describe('model entries', () => {
  const ctx = () => ({ seed: 0, specDir: ws.cwd });

  it('checkpoint: loads a directory relative to the spec and scores through the Scorer', async () => {
    const m = await checkpointModel.load({ path: 'models/tiny' }, ctx());
    const [scores] = await m.scorer.score([{ prompt: 'the cat', continuation: ' sat' }]);
    expect(scores!.length).toBeGreaterThan(0);
    expect(scores!.every((s) => s.logprob < 0 && s.rank >= 1)).toBe(true);
    m.dispose();
  });

  it('the fingerprint is a content hash of the checkpoint files', async () => {
    const a = await checkpointModel.fingerprint({ path: 'models/tiny' }, ctx());
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(await embeddedModel(ws.cwd, ['tiny']).fingerprint({ name: 'tiny' }, ctx())).toBe(a);
    appendFileSync(join(ws.cwd, 'models/tiny/config.json'), '\n');
    expect(await checkpointModel.fingerprint({ path: 'models/tiny' }, ctx())).not.toBe(a);
    await expect(checkpointModel.fingerprint({ path: 'models/none' }, ctx())).rejects.toThrow(/model checkpoint not found: .*models\/none/);
    await expect(embeddedModel(ws.cwd, ['tiny', 'tiny-qwen2']).load({ name: 'tiny-qwen2' }, ctx())).rejects.toThrow(/embedded model 'tiny-qwen2' is not built: .*editlab pretrain --set v2 --model tiny-qwen2/);
  });

  it('about: an embedded model names its preset set, world and weights from its provenance (the table meta\'s `models`)', () => {
    const root = resolve(import.meta.dirname, '../../../..');
    const prov = JSON.parse(readFileSync(join(root, 'models/tiny-gpt2/editlab-pretrain.json'), 'utf8')) as { weightsSha256: string; run: { set?: string }; world: { version?: number } };
    const about = embeddedModel(root, ['tiny-gpt2']).about!({ name: 'tiny-gpt2' }, ctx());
    expect(about).toEqual({
      name: 'tiny-gpt2', presetSet: prov.run.set ?? 'v1', weightsSha256: prov.weightsSha256,
      world: { seed: 1, size: 'default', version: prov.world.version ?? 1 },
    });
    expect(about['weightsSha256']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a default model not built yet has its preset\'s shape (specs naming it validate), but no fingerprint', async () => {
    const e = embeddedModel(ws.cwd, ['tiny', 'tiny-qwen2']);
    expect(e.shape!({ name: 'tiny-qwen2' }, ctx())).toEqual({ arch: 'llama', layers: 4, dModel: 128, heads: 4, dMlp: 352, vocab: 2048, window: 128, family: 'qwen2' });
    await expect(e.fingerprint({ name: 'tiny-qwen2' }, ctx())).rejects.toThrow(/embedded model 'tiny-qwen2' is not built/);
  });
});
