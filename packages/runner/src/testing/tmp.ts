// Temporary workspaces for tests: a directory with files written from a { path: text } map.
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Workspace } from '../experiment';

export interface TmpWorkspace extends Workspace {
  write(files: Record<string, string>): void;
  cleanup(): void;
}

export function tmpWorkspace(files: Record<string, string> = {}): TmpWorkspace {
  const cwd = mkdtempSync(join(tmpdir(), 'editlab-runner-'));
  const ws: TmpWorkspace = {
    cwd,
    resultsDir: join(cwd, 'results'),
    cacheDir: join(cwd, '.editlab-cache'),
    write(more) {
      for (const [p, text] of Object.entries(more)) {
        mkdirSync(dirname(join(cwd, p)), { recursive: true });
        writeFileSync(join(cwd, p), text);
      }
    },
    cleanup: () => rmSync(cwd, { recursive: true, force: true }),
  };
  ws.write(files);
  return ws;
}

/** A valid spec over the fake registries; `extra` lines are appended verbatim. */
export const BASE_SPEC = `name: fake
output: fake.csv
models:
  - model: table
datasets:
  - dataset: facts
    params: { n: 12 }
methods:
  - method: table-ft
metrics: [efficacy, generalization, locality, score]
run: { chunk: 4 }
`;
