import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEV_KEY_PREFIX, resolveDevKey } from './dev-key.ts';

describe('resolveDevKey', () => {
  it('takes EHRGATE_DEV_KEY when set', () => {
    assert.deepEqual(resolveDevKey({ EHRGATE_DEV_KEY: ' my-dev-key ' }), {
      key: 'my-dev-key',
      source: 'env',
    });
  });

  it('generates a different unguessable key on each start otherwise', () => {
    const a = resolveDevKey({});
    const b = resolveDevKey({ EHRGATE_DEV_KEY: '' });
    assert.equal(a.source, 'generated');
    assert.ok(a.key.startsWith(DEV_KEY_PREFIX));
    assert.ok(a.key.length >= DEV_KEY_PREFIX.length + 32);
    assert.notEqual(a.key, b.key);
  });
});
