import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../support/cli.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ehrgate-keys-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ehrgate keys', () => {
  it('generates a private key file readable only by its owner and prints only the public JWK', async () => {
    const keys = join(dir, 'riverside');
    const result = await runCli([
      'keys',
      'generate',
      '--tenant',
      'riverside',
      '--alg',
      'RS384',
      '--dir',
      keys,
    ]);
    assert.equal(result.code, 0, result.stderr);
    const jwk = JSON.parse(result.stdout) as Record<string, string>;
    assert.equal(jwk.kty, 'RSA');
    assert.equal(jwk.alg, 'RS384');
    for (const privateMember of ['d', 'p', 'q', 'dp', 'dq', 'qi'])
      assert.equal(jwk[privateMember], undefined);
    const [file] = await readdir(keys);
    assert.equal((await stat(join(keys, file))).mode & 0o777, 0o600);
    assert.equal(file, `${jwk.kid}.jwk.json`);
  });

  it('rotates: the next key is published now and signs after the overlap', async () => {
    const keys = join(dir, 'cedar');
    assert.equal((await runCli(['keys', 'generate', '--tenant', 'cedar', '--dir', keys])).code, 0);
    const rotated = await runCli(['keys', 'rotate', '--tenant', 'cedar', '--dir', keys, '--overlap', '2h']);
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.match(rotated.stdout, /added key \S+: published now, signs from /);
    assert.match(rotated.stdout, /leaves the JWK Set at /);
    const listed = await runCli(['keys', 'list', '--tenant', 'cedar', '--dir', keys]);
    assert.equal(listed.stdout.trim().split('\n').length, 2);
    assert.match(listed.stdout, /retires /);
  });

  it('refuses a malformed overlap with one line naming the option', async () => {
    const result = await runCli([
      'keys',
      'rotate',
      '--tenant',
      'cedar',
      '--dir',
      join(dir, 'cedar'),
      '--overlap',
      'soon',
    ]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^ehrgate: --overlap: /);
  });

  it('refuses an unknown algorithm before touching the disk', async () => {
    const result = await runCli([
      'keys',
      'generate',
      '--tenant',
      'x',
      '--alg',
      'HS256',
      '--dir',
      join(dir, 'x'),
    ]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /HS256/);
    await assert.rejects(stat(join(dir, 'x')));
  });
});
