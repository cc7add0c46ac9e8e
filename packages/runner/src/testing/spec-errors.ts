// For spec tests: write files into a workspace, validate one, and return its diagnostics as lines.
import { checkSpec } from '../experiment';
import { SpecError, formatDiagnostic } from '../errors';
import type { Registries } from '../registries';
import { fakeRegistries } from './fakes';
import { tmpWorkspace, type TmpWorkspace } from './tmp';

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

/** The fixture the spec tests share: the fake registries, a temporary workspace and `specErrors` over both.
 * The caller cleans the workspace up (`afterAll(() => ws.cleanup())`). */
export function specTestbed(): { reg: Registries; ws: TmpWorkspace; errorsOf: ReturnType<typeof specErrors> } {
  const reg = fakeRegistries();
  const ws = tmpWorkspace();
  return { reg, ws, errorsOf: specErrors(reg, ws) };
}
