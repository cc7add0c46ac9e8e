// A signal inside one long edit (README "Reliability"): FT with 1000 steps on the embedded tiny-gpt2, and
// SIGINT or SIGTERM sent at its 20th training step. The engine's training loop checks before every step
// whether the run was signalled (engine train/interrupt.ts; the flag is set by the native addon while
// JavaScript is busy), so the edit stops there: the model is restored, the cell is abandoned and not
// cached, and the run exits 130 / 143. Without the check the signal waits for the whole edit (1000 steps)
// and the next yield point. Skipped without the model or the native addon, which sees the signal.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canWatchSignals } from '@editlab/engine';
import { tmpWorkspace } from '../testing/tmp';
import { editSpec } from '../testing/default-model';
import { PKG } from '../testing/cli';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const haveModel = existsSync(join(ROOT, 'models/tiny-gpt2/model.safetensors'));
const haveWatch = canWatchSignals();

const STEPS = 1000;
const ws = tmpWorkspace({
  'spec.yaml': editSpec({
    name: 'long', dataset: '{ dataset: world-counterfact, params: { n: 3 } }',
    methods: [`{ method: ft, label: FT, params: { steps: ${STEPS}, stopAtLoss: 0 } }`], metrics: ['efficacy'],
  }),
});
afterAll(() => ws.cleanup());

/** The counting CLI on the spec; `signal` once it reports its 20th training step. */
async function signalled(cacheDir: string, signal: NodeJS.Signals) {
  const child = spawn(process.execPath, [join(PKG, 'src/testing/counting-cli.mjs'), 'run', 'spec.yaml', '--cache-dir', cacheDir, '--results-dir', 'results', '--renderer', 'silent'], {
    cwd: ws.cwd, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, EDITLAB_REGISTRIES: '' },
  });
  let stderr = '';
  let sent = false;
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (!sent && stderr.includes('editlab-test: training step 20')) {
      sent = true;
      child.kill(signal);
    }
  });
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  const steps = Number(/editlab-test: (\d+) training steps/.exec(stderr)?.[1] ?? Number.NaN);
  return { code, stderr, steps, sent };
}

describe.skipIf(!haveModel || !haveWatch)('a signal inside one long edit (FT, 1000 steps, tiny-gpt2; skipped without the model or the native addon)', () => {
  for (const [signal, exit] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal} at step 20 stops the edit within a step: exit ${exit}, nothing of the cell cached`, async () => {
      const cache = join(ws.cwd, `cache-${signal}`);
      const r = await signalled(cache, signal);
      expect(r.sent).toBe(true);
      expect(r.code).toBe(exit);
      // The first record's edit alone has 1000 steps; the loop stopped right after the signal.
      expect(r.steps).toBeGreaterThanOrEqual(20);
      expect(r.steps).toBeLessThan(STEPS);
      expect(r.stderr).toContain(`editlab run: ${signal}: run interrupted after 0 new task(s)`);
      const tasks = join(cache, 'tasks');
      const files = existsSync(tasks) ? readdirSync(tasks, { recursive: true }).map(String).filter((f) => /\.(json|tmp)$/.test(f)) : [];
      expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
      expect(files.map((f) => (JSON.parse(readFileSync(join(tasks, f), 'utf8')) as { kind: string }).kind)).not.toContain('cell');
      expect(existsSync(join(ws.cwd, 'results', 'long.csv'))).toBe(false);
    });
  }
});
