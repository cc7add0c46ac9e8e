// The finetuned-knowledge model entry: a build stage finetunes an embedded default model on the
// world's PISTOL contracts into the task cache; the entry loads what it built.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pistolModel } from './models';
import { tmpWorkspace } from '../testing/tmp';
import { haveModel, ROOT } from '../testing/default-model';
const ws = tmpWorkspace();
afterAll(() => ws.cleanup());

describe.skipIf(!haveModel)('embedded-pistol (skipped when models/tiny-gpt2 is absent)', () => {
  const entry = pistolModel(ROOT, ['tiny-gpt2', 'tiny-llama']);
  const ctx = { seed: 0, specDir: ROOT };

  it('is keyed by the base checkpoint and the finetune params', async () => {
    const a = await entry.fingerprint({ name: 'tiny-gpt2' }, ctx);
    expect(await entry.fingerprint({ name: 'tiny-gpt2' }, ctx)).toEqual(a);
    expect(await entry.fingerprint({ name: 'tiny-gpt2', roundSteps: 50 }, ctx)).not.toEqual(a);
    expect(await entry.fingerprint({ name: 'tiny-llama' }, ctx)).not.toEqual(a);
  });

  it('a one-round build writes a checkpoint that loads and answers in the QA format', async () => {
    const built = await entry.build!.run({ name: 'tiny-gpt2', target: 0.95, roundSteps: 2, maxRounds: 1 }, { ...ctx, dir: join(ws.cwd, 'ft') });
    const b = built as { dir: string; rouge1Recall: number; steps: number };
    expect(b.steps).toBe(2);
    expect(b.rouge1Recall).toBeGreaterThanOrEqual(0);
    expect(existsSync(join(b.dir, 'model.safetensors'))).toBe(true);
    const m = await entry.load({ name: 'tiny-gpt2' }, { ...ctx, built });
    const [out] = await m.scorer.generate(['Question: Where was Fugor Rofaim born?\nAnswer:'], { maxNewTokens: 6 });
    expect(typeof out).toBe('string');
    m.dispose();
    await expect(entry.load({ name: 'tiny-gpt2' }, ctx)).rejects.toThrow(/produced no checkpoint/);
  }, 120_000);
});
