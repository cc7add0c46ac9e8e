// Reading a spec's YAML (source.ts): syntax errors at their position, the top level, and alias bombs.
import { afterAll, describe, expect, it } from 'vitest';
import { BASE_SPEC } from '../testing/tmp';
import { specTestbed } from '../testing/spec-errors';

const { ws, errorsOf } = specTestbed();
afterAll(() => ws.cleanup());

describe('malformed specs are rejected with file:line:col, path, message and a hint', () => {
  const cases: Array<[name: string, text: string, expected: string[]]> = [
    ['YAML syntax error', BASE_SPEC.replace('metrics: [efficacy,', 'metrics: [efficacy,,'), ['syntax.yaml:10:20: /: YAML syntax error: Unexpected , in flow sequence']],
    ['duplicate key', BASE_SPEC + 'name: again\n', ['dup.yaml:12:1: /: YAML syntax error: Map keys must be unique']],
    ['top level is a list', '- a\n- b\n', ['list.yaml:1:1: /: a spec must be a YAML mapping (key: value pairs) at the top level']],
  ];
  for (const [name, text, expected] of cases) {
    it(name, () => {
      const file = expected[0]!.split(':')[0]!;
      expect(errorsOf({ [file]: text }, file)).toEqual(expected);
    });
  }

  it('alias bomb: refused with the position of the first alias', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill('*' + 'abcdefg'[i]).join(', ')}]`)].join('\n');
    const [msg] = errorsOf({ 'bomb.yaml': BASE_SPEC + bomb + '\n' }, 'bomb.yaml');
    expect(msg).toMatch(/^bomb\.yaml:13:8: \/: YAML aliases expand too much .*at most 100 alias expansions are allowed$/);
  });
});
