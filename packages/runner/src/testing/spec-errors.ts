// For spec tests: write files into a workspace, validate one, and return its diagnostics as lines.
import { checkSpec } from '../experiment';
import { SpecError, formatDiagnostic } from '../errors';
import type { Registries } from '../registries';
import type { TmpWorkspace } from './tmp';

/** Every diagnostic of a spec as "file:line:col: path: message (hint)"; [] when it is valid. */
export function specErrors(reg: Registries, ws: TmpWorkspace): (files: Record<string, string>, entry: string) => string[] {
  return (files, entry) => {
    ws.write(files);
    try {
      checkSpec(entry, reg, ws);
    } catch (e) {
      if (e instanceof SpecError) return e.diagnostics.map(formatDiagnostic);
      throw e;
    }
    return [];
  };
}
