// The JSON schema built from the registries (schema.ts) and compiled by the validator.
import { afterAll, describe, expect, it } from 'vitest';
import { checkSpec } from '../experiment';
import { SpecError, formatDiagnostic } from '../errors';
import { BASE_SPEC } from '../testing/tmp';
import { specTestbed } from '../testing/spec-errors';
import { buildSchema } from './schema';
import { compileSchema } from './validate';

const { reg, ws } = specTestbed();
afterAll(() => ws.cleanup());

describe('schema', () => {
  it('with nothing registered, ids are rejected with a clear message (ajv refuses empty enums)', () => {
    const empty = { ...reg, models: new Map(), datasets: new Map(), methods: new Map(), metrics: new Map() };
    ws.write({ 'empty.yaml': BASE_SPEC });
    let msgs: string[] = [];
    try {
      checkSpec('empty.yaml', empty, ws);
    } catch (e) {
      msgs = (e as SpecError).diagnostics.map(formatDiagnostic);
    }
    expect(msgs[0]).toBe('empty.yaml:4:12: /models/0/model: string "table" is not allowed: nothing of this kind is registered in this build');
    expect(msgs).toHaveLength(7);
  });

  it('is a valid draft 2020-12 schema that ajv compiles in strict mode, and carries defaults', () => {
    const schema = buildSchema(reg);
    expect(schema['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(() => compileSchema(schema)).not.toThrow();
    const spec = checkSpec('ok.yaml', reg, (ws.write({ 'ok.yaml': BASE_SPEC }), ws));
    expect(spec.methods[0]!.params).toEqual({ lr: 0.1, paraphrase: false, delayMs: 0 });
    expect(spec.protocols).toEqual([{ kind: 'single' }]);
    expect(spec.seed).toBe(0);
  });
});
