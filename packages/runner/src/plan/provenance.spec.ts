// The code identity in every task key covers the sources that compute numbers (not tests or test
// helpers), is stable across file order, and changes when any covered file changes.
import { afterEach, describe, expect, it } from 'vitest';
import { tmpWorkspace } from '../testing/tmp';
import type { TmpWorkspace } from '../testing/tmp';
import { codeFiles, codeIdentity, planCodeVersion, REPO_ROOT } from './provenance';

let ws: TmpWorkspace;
afterEach(() => ws?.cleanup());

const TREE = {
  'packages/engine/src/model/run.ts': 'export const a = 1;\n',
  'packages/engine/src/model/run.spec.ts': 'test\n',
  'packages/engine/src/model/testing.ts': 'helper\n',
  'packages/engine/src/methods/testing/harness.ts': 'helper\n',
  'packages/engine/native/src/fused.c': 'float f(void);\n',
  'packages/engine/native/binding.gyp': '{}\n',
  'packages/engine/README.md': 'docs\n',
  'packages/metrics/src/score.ts': 'export const s = 2;\n',
  'packages/metrics/src/fake-scorer.ts': 'helper\n',
  'packages/datasets/src/world/gen.ts': 'export const w = 3;\n',
  'packages/runner/src/adapters/engine.ts': 'export const e = 4;\n',
  'packages/runner/src/exec/cell.ts': 'export const c = 5;\n',
  'packages/runner/src/exec/run.ts': 'scheduling only\n',
  'packages/runner/src/report/table.ts': 'formatting only\n',
};

describe('code identity', () => {
  it('covers engine, native, metrics, datasets and the runner code that computes cells; not tests, helpers or docs', () => {
    ws = tmpWorkspace(TREE);
    expect(codeFiles(ws.cwd)).toEqual([
      'packages/datasets/src/world/gen.ts',
      'packages/engine/native/binding.gyp',
      'packages/engine/native/src/fused.c',
      'packages/engine/src/model/run.ts',
      'packages/metrics/src/score.ts',
      'packages/runner/src/adapters/engine.ts',
      'packages/runner/src/exec/cell.ts',
    ]);
  });

  it('changes when a covered file changes (e.g. a build flag), not when a test or an uncovered file does', () => {
    ws = tmpWorkspace(TREE);
    const id = (root: string) => codeIdentity(root).sha256;
    const base = id(ws.cwd);
    expect(codeIdentity(ws.cwd).files).toBe(7);
    const variant = (path: string, text: string) => {
      const other = tmpWorkspace({ ...TREE, [path]: text });
      try { return id(other.cwd); } finally { other.cleanup(); }
    };
    expect(variant('packages/engine/native/binding.gyp', '{"cflags": ["-O2"]}\n')).not.toBe(base);
    expect(variant('packages/engine/src/model/run.ts', 'export const a = 2;\n')).not.toBe(base);
    expect(variant('packages/engine/src/model/run.spec.ts', 'other test\n')).toBe(base);
    expect(variant('packages/runner/src/exec/run.ts', 'other scheduling\n')).toBe(base);
  });

  it('ignores comments and layout, not code: a comment edit keeps every cached cell, a changed literal re-keys', () => {
    ws = tmpWorkspace(TREE);
    const base = codeIdentity(ws.cwd).sha256;
    const variant = (path: string, text: string) => {
      const other = tmpWorkspace({ ...TREE, [path]: text });
      try { return codeIdentity(other.cwd).sha256; } finally { other.cleanup(); }
    };
    const ts = 'packages/engine/src/model/run.ts';
    expect(variant(ts, '// the learning rate (docs/x.md)\nexport const a  =  1; /* one */\n')).toBe(base);
    expect(variant(ts, 'export const a: number = 1;\n')).toBe(base);
    expect(variant(ts, 'export const a = 1.5;\n')).not.toBe(base);
    expect(variant(ts, 'export const a = 1, s = "// not a comment";\n')).not.toBe(variant(ts, 'export const a = 1, s = "// other";\n'));
    const c = 'packages/engine/native/src/fused.c';
    expect(variant(c, '/* kernel */ float   f(void); // declared\n')).toBe(base);
    expect(variant(c, 'double f(void);\n')).not.toBe(base);
    expect(variant(c, 'const char *s = "/* kept */"; float f(void);\n')).not.toBe(variant(c, 'const char *s = "/* other */"; float f(void);\n'));
  });

  it('on this repository: computed once per process, covering the engine sources', () => {
    const files = codeFiles();
    expect(files).toContain('packages/engine/native/src/fused.c');
    expect(files).toContain('packages/engine/src/kernels/adam.ts');
    expect(files.some((f) => f.endsWith('.spec.ts'))).toBe(false);
    expect(codeIdentity()).toBe(codeIdentity(REPO_ROOT));
  });

  it('the task-key code version covers the environment except its machine part', () => {
    const env = { backend: { name: 'wasm', matmul: 'openblas' }, versions: {} };
    const v = planCodeVersion(env);
    expect(planCodeVersion({ ...env, machine: { isa: 'avx512f fma', blas: 'SkylakeX' } })).toBe(v);
    expect(planCodeVersion({ ...env, backend: { name: 'wasm', matmul: 'xnnpack-wrapper' } })).not.toBe(v);
  });
});
