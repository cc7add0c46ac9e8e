// `editlab pretrain --model all`: the command line recorded in each model's card trains that model alone,
// into its own folder under --out / --work-dir (both option spellings).
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { commandFor } from './pretrain-command';

describe('commandFor', () => {
  it('names the model and its folders', () => {
    expect(commandFor(['--set', 'v2', '--model', 'all', '--out', 'm', '--work-dir=w', '--steps', '3'], 'tiny-qwen2'))
      .toEqual(['--set', 'v2', '--model', 'tiny-qwen2', '--out', join('m', 'tiny-qwen2'), '--work-dir', join('w', 'tiny-qwen2'), '--steps', '3']);
    expect(commandFor(['--model=all', '--set', 'v2'], 'tiny-llama3')).toEqual(['--model', 'tiny-llama3', '--set', 'v2']);
  });
});
