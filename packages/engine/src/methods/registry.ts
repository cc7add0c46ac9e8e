// The methods of this folder by id (README.md "Adding a method": one folder, one interface, one registry entry,
// one hparams schema"). methodById throws UnknownMethodError with "did you mean".
import { closest } from 'fastest-levenshtein';
import type { MethodDef } from './editor';
import { UnknownMethodError } from './common/errors';
import { ft } from './ft/ft';
import { ftC } from './ft-c/ft-c';
import { forget } from './forget/forget';
import { forgetU } from './forget-u/forget-u';
import { forgetPa } from './forget-pa/forget-pa';
import { fLearning } from './f-learning/f-learning';
import { rome } from './rome/rome';
import { memit } from './memit/memit';
import { alphaedit } from './alphaedit/alphaedit';
import { grace } from './grace/grace';
import { wise } from './wise/wise';
import { serac } from './serac/serac';
import { lte } from './lte/lte';
import { recipe } from './recipe/recipe';

import { ga } from './ga/ga';
import { gd } from './gd/gd';
import { kl } from './kl/kl';
import { idk } from './idk/idk';
import { dpo } from './dpo/dpo';
import { npo } from './npo/npo';

export const METHODS: readonly MethodDef[] = [
  ft, ftC, forget, forgetU, forgetPa, fLearning,
  rome, memit, alphaedit, // locate-then-edit (docs/locate-then-edit.md)
  grace, wise, serac, lte, recipe, // memory editors (docs/grace-wise.md, docs/memory-editors.md)
  ga, gd, kl, idk, dpo, npo, // unlearning baselines (docs/unlearning.md)
];

export function methodById(id: string): MethodDef {
  const m = METHODS.find((d) => d.id === id);
  if (m) return m;
  const ids = METHODS.map((d) => d.id);
  throw new UnknownMethodError(`unknown method '${id}' (did you mean '${closest(id, ids)}'? known: ${ids.join(', ')})`);
}
