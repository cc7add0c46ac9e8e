// Loading a spec with `extends:` (load.ts): merging, errors in the file that wrote them, missing targets, cycles.
import { afterAll, describe, expect, it } from 'vitest';
import { checkSpec } from '../experiment';
import { BASE_SPEC } from '../testing/tmp';
import { specTestbed } from '../testing/spec-errors';

const { reg, ws, errorsOf } = specTestbed();
afterAll(() => ws.cleanup());

describe('extends', () => {
  it('merges objects key by key, replaces arrays, and points errors at the file that wrote them', () => {
    const errors = errorsOf(
      {
        'ext/base.yaml': BASE_SPEC,
        'ext/variant.yaml': 'extends: ./base.yaml\nname: variant\ndatasets:\n  - dataset: facts\n    params: { n: 3, q: 1 }\n',
      },
      'ext/variant.yaml',
    );
    expect(errors).toEqual(["ext/variant.yaml:5:21: /datasets/0/params/q: unknown key 'q' (did you mean 'n'?)"]);
    const spec = checkSpec('ext/base.yaml', reg, ws);
    ws.write({ 'ext/ok.yaml': 'extends: ./base.yaml\nname: ok\nrun: { chunk: 2 }\n' });
    const ok = checkSpec('ext/ok.yaml', reg, ws);
    expect(ok).toEqual({ ...spec, name: 'ok', run: { chunk: 2 } });
  });

  it('an error in an inherited value is reported in the base file', () => {
    const errors = errorsOf(
      { 'ext2/base.yaml': BASE_SPEC.replace('table-ft', 'table-fx'), 'ext2/child.yaml': 'extends: base.yaml\nname: child\n' },
      'ext2/child.yaml',
    );
    expect(errors).toEqual(["ext2/base.yaml:9:13: /methods/0/method: string \"table-fx\" is not allowed (did you mean 'table-ft'?)"]);
  });

  it('a missing extends target', () => {
    expect(errorsOf({ 'ext3/a.yaml': 'extends: ./nope.yaml\nname: a\n' }, 'ext3/a.yaml')[0]).toMatch(
      /^ext3\/a\.yaml:1:10: \/extends: cannot extend '\.\/nope\.yaml': no such file \(.*ext3\/nope\.yaml\)$/,
    );
  });

  it('extends of the wrong type or absolute', () => {
    expect(errorsOf({ 'ext4/a.yaml': 'extends: [a.yaml]\n' }, 'ext4/a.yaml')).toEqual(['ext4/a.yaml:1:10: /extends: must be a relative path to another spec file (string)']);
    expect(errorsOf({ 'ext4/b.yaml': 'extends: /etc/passwd\n' }, 'ext4/b.yaml')).toEqual(["ext4/b.yaml:1:10: /extends: must be relative to this file, got absolute path '/etc/passwd'"]);
  });

  it('a syntax error in the extended file is reported in that file', () => {
    expect(errorsOf({ 'ext5/base.yaml': 'name: [unclosed\n', 'ext5/child.yaml': 'extends: base.yaml\n' }, 'ext5/child.yaml')[0]).toMatch(/^ext5\/base\.yaml:2:1: \/: YAML syntax error: /);
  });

  it('a cycle is reported with its chain', () => {
    const errors = errorsOf(
      { 'cyc/a.yaml': 'extends: ./b.yaml\nname: a\n', 'cyc/b.yaml': 'name: b\nextends: ./c.yaml\n', 'cyc/c.yaml': 'extends: a.yaml\n' },
      'cyc/a.yaml',
    );
    expect(errors).toEqual(['cyc/c.yaml:1:10: /extends: extends cycle: cyc/a.yaml → cyc/b.yaml → cyc/c.yaml → cyc/a.yaml']);
  });
});
