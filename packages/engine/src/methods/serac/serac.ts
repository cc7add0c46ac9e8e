// SERAC (Mitchell et al. 2022, "Memory-Based Model Editing at Scale"; EasyEdit trainer/algs/SERAC.py): edits are
// stored in a memory; a scope classifier decides whether a query falls in the scope of a stored edit, and an
// in-scope query is answered by a counterfactual model given that edit in context, every other query by the
// base model, untouched. The base model's weights never change: the memory answers through an inference route
// (model/route.ts; docs/definitions.md §4), removed on undo. Classifier and counterfactual model train once,
// in the cached `serac` stage on the dataset's tuning split (serac/stage.ts); stand-ins and the scaling rule of
// the defaults: docs/memory-editors.md "SERAC".
import { defineMethod } from '../common/define';
import { inContext, editText } from '../common/memory/context';
import { idsKey, meanHidden, queryIds } from '../common/memory/features';
import { remember } from '../common/memory/memory';
import { scopeProbs } from '../common/memory/scope';
import { loadOnce, loadTensors, loadTransformer, preparedStage } from '../common/memory/side-weights';
import { int, num } from '../common/params';
import { COUNTERFACTUAL_FILE, runSeracStage, SCOPE_FILE, SERAC_STAGE, type SeracArtifact } from './stage';

export const SERAC_PROPERTIES = {
  steps: int(3000, 'counterfactual model: optimizer steps on the tuning split (docs/memory-editors.md: ≈ 9 epochs of its ~5,400 examples at batch 16; 600 left it memorising the split, efficacy 0 on held-out edits)', { min: 1, max: 100000 }),
  lr: num(2e-4, 'counterfactual model: peak Adam learning rate (a tenth of the default models\' pretraining peak, 2e-3)', { exclusiveMin: 0, max: 1 }),
  batchSize: int(16, 'counterfactual model: queries per step (the scope scorer takes 4× as many pairs)', { min: 1, max: 1024 }),
  substitutions: int(8, 'counterfactual model: copies of each tuning edit with another target of its relation (in context and as the answer), so the model learns to copy the edit rather than memorise the split (2 was too few: docs/memory-editors.md "Diagnosis")', { min: 0, max: 100 }),
  scopeSteps: int(400, 'scope classifier: optimizer steps', { min: 1, max: 100000 }),
  scopeLr: num(1e-2, 'scope classifier: Adam learning rate', { exclusiveMin: 0, max: 1 }),
  scopeNegatives: int(2, 'scope classifier: other edits\' prompts per edit as out-of-scope pairs (besides its neighbourhood prompts)', { min: 0, max: 100 }),
  scopeSubjectNegatives: int(0, 'scope classifier: prompts about the edited subject\'s other facts (other relations) per edit as out-of-scope pairs, from the tuning split\'s same-subject probes (the synthetic world has them); 0 = the reference, whose classifier sees none (the cause test of ForGet F-T6c, docs/forget.md)', { min: 0, max: 100 }),
  threshold: num(0.5, 'a query is in scope of its best-scoring edit when the classifier\'s probability exceeds this (SERAC: sim > 0.5)', { exclusiveMin: 0, max: 0.999 }),
};

interface Entry {
  readonly text: string;
  readonly feature: Float32Array;
}

export const serac = defineMethod({
  id: 'serac',
  version: '2',
  description: 'SERAC: an edit memory, a scope classifier and a counterfactual model given the edit in context (Mitchell et al. 2022); side models trained on the tuning split',
  properties: SERAC_PROPERTIES,
  stages: [
    {
      name: SERAC_STAGE,
      reads: 'tuning',
      inputs: (p) => ({ steps: p.steps, lr: p.lr, batchSize: p.batchSize, substitutions: p.substitutions, scopeSteps: p.scopeSteps, scopeLr: p.scopeLr, scopeNegatives: p.scopeNegatives, scopeSubjectNegatives: p.scopeSubjectNegatives }),
      run: (model, p, input) => runSeracStage(model, p, input),
    },
  ],
  edit(model, requests, p, ctx) {
    const art = preparedStage(ctx.prepared, SERAC_STAGE);
    const { transformer: base, tokenizer: tok } = model;
    const side = loadOnce(art.dir, SERAC_STAGE, () => ({
      scope: loadTensors(art.dir, SCOPE_FILE),
      counterfactual: loadTransformer(art.dir, COUNTERFACTUAL_FILE, base.config),
    }));
    const texts = requests.map(editText);
    const features = meanHidden(base, texts.map((t) => queryIds(tok, t)), tok.padId);
    const entries: Entry[] = texts.map((text, i) => ({ text, feature: features[i]! }));
    remember<Entry>(base, 'serac', entries, ctx, (stored, ids) => {
      const [q] = meanHidden(base, [ids], tok.padId);
      const probs = scopeProbs(side.scope, stored.map((e) => e.feature), q!);
      let best = -1;
      probs.forEach((x, i) => (x > p.threshold && (best < 0 || x > probs[best]!) ? (best = i) : undefined));
      if (best < 0) return undefined; // out of scope of every edit: the base model answers
      const routedIds = inContext(tok, stored[best]!.text, ids);
      // an edit and query too long for the window together (with room for an answer) stay with the base model
      return routedIds.length + 8 <= base.config.maxSeq ? { model: side.counterfactual, ids: routedIds } : undefined;
    }, idsKey);
    const value = art.value as SeracArtifact;
    const perEdit = entries.reduce((s, e) => s + 4 * e.feature.length + e.text.length, 0);
    ctx.keeps({ params: value.scopeParams + value.counterfactualParams, bytes: value.bytes + perEdit });
    return {};
  },
});
