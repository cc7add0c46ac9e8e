// The results directory is checked before any cell is computed, and every write failure names the
// path (issue 19).
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runExperiment } from '../experiment';
import type { Workspace } from '../experiment';
import { fakeRegistries } from '../testing/fakes';
import type { FakeCounters } from '../testing/fakes';
import { tmpWorkspace, BASE_SPEC } from '../testing/tmp';
import { writeError } from './writable';

const ws = tmpWorkspace({ 'spec.yaml': BASE_SPEC, 'deep.yaml': BASE_SPEC.replace('output: fake.csv', 'output: sub/dir/fake.csv') });
afterAll(() => ws.cleanup());

async function refusal(spec: string, at: Partial<Workspace>): Promise<{ message: string; applies: number }> {
  const counters: FakeCounters = { applies: 0, loads: 0, prepares: 0 };
  try {
    await runExperiment(spec, fakeRegistries(counters), { ...ws, ...at }, { renderer: 'silent' });
  } catch (e) {
    return { message: (e as Error).message.replaceAll(ws.cwd, '<ws>'), applies: counters.applies };
  }
  return { message: 'ran', applies: counters.applies };
}

describe('results directory checked before computing', () => {
  it('a results path that is a file', async () => {
    writeFileSync(join(ws.cwd, 'results-file'), 'x');
    expect(await refusal('spec.yaml', { resultsDir: join(ws.cwd, 'results-file') })).toEqual({
      message: 'results directory <ws>/results-file: <ws>/results-file is a file, not a directory', applies: 0,
    });
  });

  it('a file where the output needs a directory', async () => {
    mkdirSync(join(ws.cwd, 'r2/sub'), { recursive: true });
    writeFileSync(join(ws.cwd, 'r2/sub/dir'), 'x');
    expect(await refusal('deep.yaml', { resultsDir: join(ws.cwd, 'r2') })).toEqual({
      message: 'cannot write <ws>/r2/sub/dir: <ws>/r2/sub/dir is a file, not a directory', applies: 0,
    });
  });

  it('an output that leaves results/ through a symbolic link is refused', async () => {
    mkdirSync(join(ws.cwd, 'r3'), { recursive: true });
    mkdirSync(join(ws.cwd, 'elsewhere'), { recursive: true });
    symlinkSync(join(ws.cwd, 'elsewhere'), join(ws.cwd, 'r3/sub'));
    expect(await refusal('deep.yaml', { resultsDir: join(ws.cwd, 'r3') })).toEqual({
      message: 'output <ws>/r3/sub/dir/fake.csv resolves to <ws>/elsewhere/dir/fake.csv through a symbolic link, outside the results directory <ws>/r3', applies: 0,
    });
    symlinkSync(join(ws.cwd, 'elsewhere/x.csv'), join(ws.cwd, 'r3/fake.csv'));
    expect((await refusal('spec.yaml', { resultsDir: join(ws.cwd, 'r3') })).message).toBe(
      'output <ws>/r3/fake.csv resolves to <ws>/elsewhere/x.csv through a symbolic link, outside the results directory <ws>/r3',
    );
  });

  it('a symbolic link inside results/ that stays inside, and a linked results directory, are fine', async () => {
    mkdirSync(join(ws.cwd, 'real-results/inner'), { recursive: true });
    symlinkSync(join(ws.cwd, 'real-results'), join(ws.cwd, 'linked'));
    symlinkSync(join(ws.cwd, 'real-results/inner'), join(ws.cwd, 'real-results/sub'));
    expect(await refusal('deep.yaml', { resultsDir: join(ws.cwd, 'linked') })).toMatchObject({ message: 'ran' });
  });

  it.skipIf(process.getuid?.() === 0)('a directory without write permission (skipped as root, who may write anywhere)', async () => {
    const { chmodSync } = await import('node:fs');
    mkdirSync(join(ws.cwd, 'ro'), { recursive: true });
    chmodSync(join(ws.cwd, 'ro'), 0o555);
    expect(await refusal('spec.yaml', { resultsDir: join(ws.cwd, 'ro') })).toEqual({ message: 'cannot write <ws>/ro: permission denied (EACCES)', applies: 0 });
    chmodSync(join(ws.cwd, 'ro'), 0o755);
  });

  it.skipIf(process.platform !== 'linux')('a directory the system refuses to create (/proc) is named, without hanging in a recursive mkdir', async () => {
    expect(await refusal('spec.yaml', { resultsDir: '/proc/editlab-results' })).toEqual({ message: 'cannot write /proc/editlab-results: the directory cannot be created (ENOENT)', applies: 0 });
  });

  it('operating-system errors name the path and say why (read-only, full disk)', () => {
    const err = (code: string) => Object.assign(new Error(`${code}: x, open '/r/.fake.csv.1.tmp'`), { code, syscall: 'open' });
    expect((writeError(err('EROFS'), '/r') as Error).message).toBe('cannot write /r: the file system is read-only (EROFS)');
    expect((writeError(err('ENOSPC'), 'results in /r') as Error).message).toBe('cannot write results in /r: no space left on the device (ENOSPC)');
    const plain = new TypeError('not an OS error');
    expect(writeError(plain, '/r')).toBe(plain);
  });
});
