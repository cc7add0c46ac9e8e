// `editlab pretrain` (cli/pretrain-command.ts). `--model all`: the command line recorded in each model's card
// trains that model alone, into its own folder under --out / --work-dir (both option spellings).
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliWorkspace } from '../testing/cli';
import { commandFor } from './pretrain-command';

const { ws, cli } = cliWorkspace();
afterAll(() => ws.cleanup());

describe('editlab pretrain', () => {
  it('pretrain: a misspelled model is a usage error; a 3-step run on the stand-in world writes a checkpoint with its card', async () => {
    expect(await cli('pretrain', '--model', 'tiny-gtp2')).toMatchObject({
      code: 2, err: "editlab pretrain: pretrain: --model must be one of tiny-gpt2, tiny-llama, tiny-qwen2, tiny-mistral, tiny-llama3 or all (preset set v2), got 'tiny-gtp2' (did you mean 'tiny-gpt2'?)",
    });
    expect(await cli('pretrain', '--set', 'v1', '--model', 'tiny-qwen2')).toMatchObject({
      code: 2, err: "editlab pretrain: model 'tiny-qwen2' is not in preset set v1 (it is in v2: pass --set v2)",
    });
    expect(await cli('pretrain', '--set', 'v3', '--model', 'all')).toMatchObject({ code: 2, err: expect.stringMatching(/--set 'v3' is not allowed/) });
    const r = await cli('pretrain', '--model', 'tiny-gpt2', '--world-size', 'standin-tiny', '--steps', '3', '--eval-limit', '4', '--out', 'pt/out', '--work-dir', 'pt/work');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/step 3\/3 loss/);
    expect(r.out).toMatch(/pretrained tiny-gpt2 → .*pt\/out \(weights sha256 [0-9a-f]{12}\)/);
    for (const f of ['config.json', 'model.safetensors', 'tokenizer.json', 'MODEL_CARD.md', 'editlab-pretrain.json']) expect(existsSync(join(ws.cwd, 'pt/out', f))).toBe(true);
    expect(readFileSync(join(ws.cwd, 'pt/out/MODEL_CARD.md'), 'utf8')).toContain('editlab pretrain --model tiny-gpt2');
  }, 60_000);
});

describe('commandFor', () => {
  it('names the model and its folders', () => {
    expect(commandFor(['--set', 'v2', '--model', 'all', '--out', 'm', '--work-dir=w', '--steps', '3'], 'tiny-qwen2'))
      .toEqual(['--set', 'v2', '--model', 'tiny-qwen2', '--out', join('m', 'tiny-qwen2'), '--work-dir', join('w', 'tiny-qwen2'), '--steps', '3']);
    expect(commandFor(['--model=all', '--set', 'v2'], 'tiny-llama3')).toEqual(['--model', 'tiny-llama3', '--set', 'v2']);
  });
});
