// Where the data keys come from: EHRGATE_DATA_KEYS (clear errors naming the variable, never the
// key), else <dataDir>/keys/data-key, generated once (mode 0600) for the no-config start.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  DATA_KEY_FILE,
  loadDataKeyring,
  openString,
  sealString,
} from '../../../src/compliance/encryption/index.ts';
import { isEhrgateError } from '../../../src/errors.ts';

const A = randomBytes(32).toString('base64');
const B = randomBytes(32).toString('base64url');

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isEhrgateError(error), String(error));
    return { code: error.code, message: error.message };
  }
  assert.fail('expected a refusal');
}

describe('loadDataKeyring', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ehrgate-data-keys-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('reads EHRGATE_DATA_KEYS: the first key is active, every key opens its own values', async () => {
    const old = await loadDataKeyring({ env: { EHRGATE_DATA_KEYS: `old:${A}` }, dataDir: dir });
    const sealed = sealString(old.keyring!, '{"name":"Quillon"}');
    const rotated = await loadDataKeyring({
      env: { EHRGATE_DATA_KEYS: ` new:${B} ,\n old:${A}` },
      dataDir: join(dir, 'unused'),
    });
    assert.equal(rotated.source, 'env');
    assert.deepEqual(rotated.keyring?.ids, ['new', 'old']);
    assert.equal(rotated.keyring?.active.id, 'new');
    assert.equal(openString(rotated.keyring, sealed.enc, sealed.keyId), '{"name":"Quillon"}');
  });

  it('refuses a malformed variable with a message naming it and not the key material', async () => {
    const short = randomBytes(31).toString('base64');
    for (const [value, expect] of [
      ['', /EHRGATE_DATA_KEYS: is empty/],
      [A, /EHRGATE_DATA_KEYS: key 1 is malformed/],
      [`k1:${A},k2`, /EHRGATE_DATA_KEYS: key 2 is malformed/],
      [`k1:not base64!`, /EHRGATE_DATA_KEYS: key 1 is malformed/],
      [`k1:${short}`, /EHRGATE_DATA_KEYS: key 1 \("k1"\): expected 32 bytes of key material, got 31/],
      [`k1:${A},k1:${B}`, /EHRGATE_DATA_KEYS: key 2: id "k1" is listed twice/],
      [`bad.id:${A}`, /EHRGATE_DATA_KEYS: key 1: the id must be/],
    ] as const) {
      const { code, message } = await refusal(
        loadDataKeyring({ env: { EHRGATE_DATA_KEYS: value }, dataDir: dir }),
      );
      assert.equal(code, 'ERR_CONFIG_INVALID');
      assert.match(message, expect);
      assert.ok(!message.includes(A) && !message.includes(B) && !message.includes(short));
    }
  });

  it('generates a key file readable by its owner only, then reads the same key back', async () => {
    const dataDir = join(dir, 'generated');
    const first = await loadDataKeyring({ env: {}, dataDir });
    assert.equal(first.source, 'generated');
    assert.equal(first.path, join(dataDir, DATA_KEY_FILE));
    assert.equal((await stat(first.path!)).mode & 0o777, 0o600);
    assert.match(first.keyring?.active.id ?? '', /^local-\d{8}-[0-9a-f]{6}$/);

    const sealed = sealString(first.keyring!, '"x"');
    const again = await loadDataKeyring({ env: {}, dataDir });
    assert.equal(again.source, 'file');
    assert.deepEqual(again.keyring?.ids, first.keyring?.ids);
    assert.equal(openString(again.keyring, sealed.enc, sealed.keyId), '"x"');
    // The variable, when set, wins over the file.
    const fromEnv = await loadDataKeyring({ env: { EHRGATE_DATA_KEYS: `e:${A}` }, dataDir });
    assert.deepEqual([fromEnv.source, fromEnv.keyring?.active.id], ['env', 'e']);
  });

  it('ends with one key when several loaders generate at the same moment, as two gateways starting together', async () => {
    const dataDir = join(dir, 'race');
    const loaded = await Promise.all(Array.from({ length: 6 }, () => loadDataKeyring({ env: {}, dataDir })));
    assert.equal(new Set(loaded.map((l) => l.keyring?.active.id)).size, 1);
    assert.equal(loaded.filter((l) => l.source === 'generated').length, 1);
    const text = await readFile(join(dataDir, DATA_KEY_FILE), 'utf8');
    assert.equal(text.trim().split('\n').length, 1);
  });

  it('loads nothing, and writes nothing, for a reader when there is no key', async () => {
    const dataDir = join(dir, 'reader');
    assert.deepEqual(await loadDataKeyring({ env: {}, dataDir, generate: false }), {
      keyring: undefined,
      source: 'none',
    });
    await assert.rejects(stat(join(dataDir, DATA_KEY_FILE)), { code: 'ENOENT' });
  });

  it('refuses a damaged key file with a message naming the file', async () => {
    const dataDir = join(dir, 'damaged');
    await mkdir(join(dataDir, 'keys'), { recursive: true });
    await writeFile(join(dataDir, DATA_KEY_FILE), 'k1:tooshort\n', { mode: 0o600 });
    const { code, message } = await refusal(loadDataKeyring({ env: {}, dataDir }));
    assert.equal(code, 'ERR_CONFIG_INVALID');
    assert.ok(message.startsWith(`${join(dataDir, DATA_KEY_FILE)}: key 1`), message);
  });
});
