// RECIPE (Chen et al. 2024, "Lifelong Knowledge Editing for LLMs with Retrieval-Augmented Continuous Prompt
// Learning"): each edit's text becomes P continuous prompt vectors (the prompt encoder) and a knowledge rep; at
// inference the query's rep retrieves the top-1 edit, whose prompt vectors are prepended to the query's
// embeddings only when its score beats the knowledge sentinel's. The language model stays frozen: the vectors
// reach it through an inference route's embedding prefix (model/route.ts; docs/definitions.md §4), removed with
// the last edit's undo. Encoder, heads and sentinel train in the cached `recipe` stage on the tuning split
// (recipe/stage.ts). Stand-ins and defaults: docs/memory-editors.md "RECIPE".
import * as tf from '@tensorflow/tfjs';
import { defineMethod } from '../common/define';
import { editText } from '../common/memory/context';
import { idsKey, meanHidden, queryIds } from '../common/memory/features';
import { remember } from '../common/memory/memory';
import { loadOnce, loadTensors, preparedStage } from '../common/memory/side-weights';
import { int, num } from '../common/params';
import { knowledgeRep, promptVectors, queryRep, scores, sentinelRep } from './encoder';
import { RECIPE_FILE, RECIPE_STAGE, recipeShape, runRecipeStage, withPlaceholders, type RecipeArtifact } from './stage';

export const RECIPE_PROPERTIES = {
  steps: int(2700, 'training steps of the encoder, heads and sentinel (≈ 12 epochs of the 200-record tuning split × (1 + substitutions) at batch 8)', { min: 1, max: 100000 }),
  lr: num(1e-3, 'Adam learning rate (the reference\'s 1e-5 fine-tunes a pretrained RoBERTa; these heads start from scratch)', { exclusiveMin: 0, max: 1 }),
  batchSize: int(8, 'edits per step (reference: 8)', { min: 2, max: 1024 }),
  prompts: int(3, 'prompt vectors per edit, P (reference: 3)', { min: 1, max: 32 }),
  substitutions: int(8, 'copies of each tuning edit with another target of its relation (its text and its answer alike), so the encoder learns to carry the target rather than memorise the split\'s edits (docs/memory-editors.md "Diagnosis")', { min: 0, max: 100 }),
  dRep: int(0, 'size of the knowledge and query reps; 0 = the model\'s d_model (the reference\'s d_rep 4096 = Llama-2-7B\'s d_model)', { min: 0, max: 65536 }),
};

interface Entry {
  readonly key: tf.Tensor2D; // [1, dRep]
  readonly vectors: tf.Tensor2D; // [P, dModel]
}

export const recipe = defineMethod({
  id: 'recipe',
  version: '2',
  description: 'RECIPE: continuous prompt vectors per edit, retrieved top-1 and gated by a knowledge sentinel, LM frozen (Chen et al. 2024); encoder trained on the tuning split',
  properties: RECIPE_PROPERTIES,
  stages: [
    {
      name: RECIPE_STAGE,
      reads: 'tuning',
      inputs: (p) => ({ steps: p.steps, lr: p.lr, batchSize: p.batchSize, prompts: p.prompts, substitutions: p.substitutions, dRep: p.dRep }),
      run: (model, p, input) => runRecipeStage(model, p, input),
    },
  ],
  edit(model, requests, p, ctx) {
    const art = preparedStage(ctx.prepared, RECIPE_STAGE);
    const { transformer: lm, tokenizer: tok } = model;
    const s = recipeShape(model, p);
    const w = loadOnce(art.dir, RECIPE_STAGE, () => loadTensors(art.dir, RECIPE_FILE));
    const feats = meanHidden(lm, requests.map((r) => queryIds(tok, editText(r))), tok.padId);
    const entries: Entry[] = feats.map((f) => tf.tidy(() => {
      const key = knowledgeRep(w, tf.tensor2d(f, [1, s.d]));
      return { key: tf.keep(key), vectors: tf.keep(tf.reshape(promptVectors(w, key, s), [s.P, s.dModel]) as tf.Tensor2D) };
    }));
    ctx.onUndo(() => tf.dispose(entries.flatMap((e) => [e.key, e.vectors]))); // after the memory lets go of them
    remember<Entry>(lm, 'recipe', entries, ctx, (stored, ids) => {
      const [q] = meanHidden(lm, [ids], tok.padId);
      const best = tf.tidy(() => {
        const qr = queryRep(w, tf.tensor2d(q!, [1, s.d]));
        const sc = scores(qr, tf.concat([...stored.map((e) => e.key), sentinelRep(w)], 0)).dataSync();
        const top = Array.from(sc.slice(0, stored.length)).reduce((b, x, i) => (x > sc[b]! ? i : b), 0);
        return sc[top]! > sc[stored.length]! ? top : -1; // the sentinel wins: no edit applies
      });
      if (best < 0) return undefined;
      const routed = withPlaceholders(s.P, tok.padId, ids);
      return routed.length + 8 <= lm.config.maxSeq ? { ids: routed, embeds: { start: 0, vectors: stored[best]!.vectors } } : undefined;
    }, idsKey);
    const value = art.value as RecipeArtifact;
    ctx.keeps({ params: value.params, bytes: value.bytes + entries.length * 4 * (s.dRep + s.P * s.dModel) });
    return {};
  },
});
