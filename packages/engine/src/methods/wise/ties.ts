// TIES merging (Yadav et al. 2023, "TIES-Merging: Resolving Interference When Merging Models", §3) as WISE
// merges its knowledge shards (Wang et al. 2024 §3.3; EasyEdit WISE merge_alg 'ties' = mergekit's
// GTA('magnitude', 'sum', normalize=True)): task vectors τ_i = W_i − W_base are
//   1. trimmed: only the ⌊density·n⌋ entries of largest |τ_i| are kept (ties: the lower index);
//   2. weighted: τ_i·w_i;
//   3. sign-elected: γ_j = +1 if Σ_i w_i τ_ij ≥ 0, else −1;
//   4. disjointly merged: τ_j = Σ_i w_i τ_ij [sign(w_i τ_ij) = γ_j] / Σ_i w_i [sign(w_i τ_ij) = γ_j] (1 when empty);
// and the result is W_base + τ.

/** τ with only its ⌊density·n⌋ largest-magnitude entries kept. */
export function trimToDensity(tau: Float32Array, density: number): Float32Array {
  if (density >= 1) return tau;
  const k = Math.floor(density * tau.length);
  const order = Array.from({ length: tau.length }, (_x, i) => i).sort((a, b) => Math.abs(tau[b]!) - Math.abs(tau[a]!) || a - b);
  const out = new Float32Array(tau.length);
  for (let i = 0; i < k; i++) out[order[i]!] = tau[order[i]!]!;
  return out;
}

/** TIES merge of `models` (flattened, same length as base) with per-model weights. */
export function tiesMerge(base: Float32Array, models: readonly Float32Array[], weights: readonly number[], density: number): Float32Array {
  if (models.length !== weights.length) throw new Error(`tiesMerge: ${models.length} models but ${weights.length} weights`);
  const taus = models.map((m) => {
    const tau = new Float32Array(base.length);
    for (let j = 0; j < base.length; j++) tau[j] = m[j]! - base[j]!;
    return trimToDensity(tau, density);
  });
  const out = new Float32Array(base.length);
  for (let j = 0; j < base.length; j++) {
    let total = 0;
    for (let i = 0; i < taus.length; i++) total += weights[i]! * taus[i]![j]!;
    const elected = total >= 0 ? 1 : -1;
    let mixed = 0;
    let divisor = 0;
    for (let i = 0; i < taus.length; i++) {
      const wt = weights[i]! * taus[i]![j]!;
      if (Math.sign(wt) === elected) {
        mixed += wt;
        divisor += weights[i]!;
      }
    }
    out[j] = base[j]! + mixed / (divisor === 0 ? 1 : divisor);
  }
  return out;
}
