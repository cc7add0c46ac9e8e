// Hook names: the TransformerLens names each architecture has, refused with a suggestion when misspelled.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { initBackend } from '../backend/index';
import { UnknownHookError } from '../model/errors';
import { tinyConfig } from '../model/testing';
import { Transformer } from '../model/transformer';
import { checkHookName } from './names';
import { runWithCache } from './run';

beforeAll(async () => {
  await initBackend();
});

const ids = () => tf.tensor2d([[3, 7, 2, 9, 4], [5, 1, 8, 6, 2]], [2, 5], 'int32');

it('rejects unknown hook names with a suggestion', () => {
  const c = tinyConfig('gpt2');
  expect(() => checkHookName(c, 'blocks.1.mlp.hook_psot')).toThrow(/did you mean 'blocks.1.mlp.hook_post'/);
  expect(() => checkHookName(c, 'blocks.9.hook_resid_pre')).toThrow(UnknownHookError);
  expect(() => checkHookName(c, 'blocks.0.attn.hook_rot_q')).toThrow(UnknownHookError); // llama only
  const m = Transformer.init(c, 0);
  const x = ids();
  expect(() => runWithCache(m, x, ['hook_embd'])).toThrow(/did you mean 'hook_embed'/);
  tf.dispose(x);
  m.dispose();
});
