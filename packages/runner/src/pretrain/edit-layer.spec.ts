// The edit layer in the model card (edit-layer.ts): read from a trace table, written beside the weights and into
// MODEL_CARD.md, and ignored once the weights it was traced on are replaced.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { editLayerOfTrace, readEditLayer, withEditLayerSection, writeEditLayer } from './edit-layer';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('the edit layer of a model card', () => {
  it('is the largest MLP effect at the last subject token of the committed v2 traces (layer 0 on both)', () => {
    for (const [m, effect] of [['tiny-gpt2', 0.03405], ['tiny-llama', 0.191525]] as const) {
      const f = join(ROOT, `results/locate/${m}-trace.csv`);
      expect(editLayerOfTrace(f, readFileSync(f, 'utf8'))).toEqual({ layer: 0, effect: expect.closeTo(effect, 5), facts: 20 });
    }
    expect(() => editLayerOfTrace('x.csv', 'model,kind\na,b\n')).toThrow(/x.csv: not a trace table \(no 'token' column/);
  });

  it('is written beside the weights and into MODEL_CARD.md, read back, and ignored when the weights change', () => {
    const dir = mkdtempSync(join(tmpdir(), 'editlab-card-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'model.safetensors'), 'weights v1');
    writeFileSync(join(dir, 'MODEL_CARD.md'), '# m\n\n## Edit layer (causal tracing)\n- old\n\n## Reproduce\nx\n');
    const trace = join(dir, 't.csv');
    writeFileSync(trace, 'model,kind,token,layer,effect,facts\nm,mlp,last subject token,0,0.1,5\nm,mlp,last subject token,2,0.3,5\nm,attn,last subject token,1,0.9,5\n');
    expect(readEditLayer(dir)).toBeUndefined();
    const c = writeEditLayer(dir, 'm', { arch: 'llama', layers: 4 }, trace, 'results/locate/m-trace.csv');
    expect(c.layer).toBe(2);
    expect(readEditLayer(dir)).toBe(2);
    const card = readFileSync(join(dir, 'MODEL_CARD.md'), 'utf8');
    expect(card).toContain('layer 2 (effect 0.300 on P(true object), 5 known facts');
    expect(card).toContain('ROME edits layer 2 and MEMIT/AlphaEdit layers 1–2');
    expect(card).not.toContain('- old');
    expect(card.endsWith('## Reproduce\nx\n')).toBe(true); // the sections after it are kept
    writeFileSync(join(dir, 'model.safetensors'), 'weights v2'); // retrained: the card no longer applies
    expect(readEditLayer(dir)).toBeUndefined();
    expect(withEditLayerSection('# m\n', ['## Edit layer (causal tracing)', '- l', ''])).toBe('# m\n\n## Edit layer (causal tracing)\n- l\n');
  });

  it('of the committed v1 checkpoints is layer 0, traced on their weights', () => {
    for (const m of ['tiny-gpt2', 'tiny-llama']) {
      const dir = join(ROOT, 'models', m);
      if (!existsSync(join(dir, 'model.safetensors'))) continue;
      expect(readEditLayer(dir), m).toBe(0);
    }
  });
});
