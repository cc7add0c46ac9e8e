import { afterAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../cli/main';
import type { Io } from '../cli/io';
import { tmpWorkspace } from '../testing/tmp';
import { datasetInspector } from './datasets';

// Dev subsets of the real datasets live in ../shared/data beside the repository (never copied in).
const SHARED = resolve(fileURLToPath(new URL('../../../../', import.meta.url)), '../shared/data');
const ws = tmpWorkspace({
  'cf.json': JSON.stringify([
    { case_id: 0, prompt: 'The mother tongue of Danielle Darrieux is', target_new: 'English', subject: 'Danielle Darrieux', ground_truth: 'French', rephrase_prompt: 'Where Danielle Darrieux is from, people speak', locality_prompt: 'Michel Rocard is a native speaker of', locality_ground_truth: 'French' },
    { case_id: 1, prompt: 7, target_new: 'English', subject: 'X', ground_truth: 'French', rephrase_prompt: 'r', locality_prompt: 'l', locality_ground_truth: 'French' },
  ]),
});
afterAll(() => ws.cleanup());

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false, env: {}, cwd: ws.cwd };
  return { code: await main(argv, io), out: out.join('\n'), err: err.join('\n') };
}

describe('data inspect on the datasets package', () => {
  it('a malformed record is listed with file, index and field (exit 1)', async () => {
    const r = await datasetInspector.inspect(`${ws.cwd}/cf.json`);
    expect(r).toMatchObject({ format: 'counterfact-easyedit', detected: true, records: 1 });
    expect(r.malformed.map((m) => [m.index, m.field])).toEqual([[1, 'prompt']]);
    const c = await cli('data', 'inspect', 'cf.json');
    expect(c.code).toBe(1);
    expect(c.out.split('\n')[0]).toBe('cf.json: format counterfact-easyedit (detected), 1 record(s), 1 malformed');
    expect(c.out.split('\n')[1]).toMatch(/^ {2}cf\.json \[1\] prompt: /);
  });

  it('an unreadable file is a message with the loader\'s code, not a stack trace (exit 3)', async () => {
    const c = await cli('data', 'inspect', 'nope.json');
    expect(c.code).toBe(3);
    expect(c.err).toMatch(/^editlab data: \[DATASET_READ\] .*nope\.json/);
  });

  const cf = resolve(SHARED, 'counterfact/counterfact-edit.dev.json');
  it.skipIf(!existsSync(cf))(`the real CounterFact dev subset loads clean (skipped: ${cf} not present)`, async () => {
    expect(await datasetInspector.inspect(cf)).toMatchObject({ format: 'counterfact-easyedit', detected: true, records: 1000, malformed: [] });
  });
});

describe('relation: one relation\'s records (ForGet Table 4\'s capital facts)', () => {
  it('evaluates only that relation, after which offset and n apply; the pool keeps every relation; an absent one names the relations there', async () => {
    const { defaultRegistries } = await import('../defaults');
    const zsre = defaultRegistries().datasets.get('world-zsre')!;
    const ctx = { seed: 0, specDir: '.' };
    const capitals = await zsre.load({ relation: 'P36', n: 3 }, ctx);
    expect(capitals).toHaveLength(2); // the v2 world's ZsRE file (the default) has two capital facts
    expect(capitals.every((r) => (r.request as { relationId?: string }).relationId === 'P36')).toBe(true);
    expect((capitals[0]!.request as { prompt: string }).prompt).toMatch(/capital/);
    await expect(zsre.load({ relation: 'P36', offset: 2 }, ctx)).rejects.toThrow(/offset 2 is past its 2 records of relation 'P36'/);
    const pool = await zsre.pool!({ relation: 'P36', n: 3 }, ctx);
    expect(new Set(pool.map((r) => (r.request as { relationId?: string }).relationId)).size).toBeGreaterThan(1);
    await expect(zsre.load({ relation: 'P999' }, ctx)).rejects.toThrow(/no records of relation 'P999' \(relations here: .*P36/);
  });
});
