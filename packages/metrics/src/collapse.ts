// Collapse flag (docs/definitions.md §1.6, model collapse under GA: report "collapsed" when retain
// ROUGE falls below a threshold). A collapsed model emits degenerate text, so it is flagged when
// its retain-set ROUGE-L recall AND the fluency of its retain generations are both under their
// thresholds (mode "all", default); mode "any" flags on either. Thresholds are heuristics.
import { MetricsError } from './errors';

export interface CollapseOptions {
  /** Retain-set ROUGE recall (0–1) below which the model counts as not answering (default 0.1). */
  readonly rougeMin?: number;
  /** Fluency (n-gram entropy ×100) below which text counts as degenerate (default 100: < 1 bit). */
  readonly fluencyMin?: number;
  readonly mode?: 'all' | 'any';
}

export interface CollapseVerdict {
  readonly collapsed: boolean;
  readonly reasons: readonly string[];
}

export function collapseFlag(m: { readonly retainRouge: number; readonly fluency: number }, opts: CollapseOptions = {}): CollapseVerdict {
  const rougeMin = opts.rougeMin ?? 0.1;
  const fluencyMin = opts.fluencyMin ?? 100;
  const mode = opts.mode ?? 'all';
  if (mode !== 'all' && mode !== 'any') throw new MetricsError('METRIC_BAD_OPTIONS', `collapse: option mode must be "all" or "any", got "${String(mode)}"`);
  const reasons: string[] = [];
  const lowRouge = !(m.retainRouge >= rougeMin);
  const lowFluency = !(m.fluency >= fluencyMin);
  if (lowRouge) reasons.push(`retain ROUGE ${m.retainRouge.toFixed(3)} < ${rougeMin}`);
  if (lowFluency) reasons.push(`fluency ${m.fluency.toFixed(1)} < ${fluencyMin}`);
  const collapsed = mode === 'all' ? lowRouge && lowFluency : lowRouge || lowFluency;
  return { collapsed, reasons: collapsed ? reasons : [] };
}
