// `ehrgate queue list|show|resolve` on the store `serve` uses (the SQLite file under --data-dir).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createWorkItem, getWorkItem, openStore } from '../../src/store/index.ts';
import { sealJson } from '../../src/workflows/lib/sealed-json.ts';
import { runCli } from '../support/cli.ts';

const ENV = { DATABASE_URL: undefined, EHRGATE_CONFIG: undefined };

describe('ehrgate queue', () => {
  let dir: string;
  const ids: string[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ehrgate-queue-cli-'));
    const store = await openStore({ dataDir: dir });
    for (const [tenantId, memberId] of [
      ['sandbox', 'W111'],
      ['sandbox', 'W222'],
      ['other', 'W333'],
    ]) {
      const details = sealJson({ instructions: 'enter by hand', data: { memberId } });
      const item = await createWorkItem(store.db, {
        tenantId: tenantId as string,
        kind: 'coverage.create',
        queue: 'billing',
        reason: 'no_api',
        detailsEnc: details.enc,
        keyId: details.keyId,
      });
      ids.push(item.id);
    }
    await store.close();
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("lists the tenant's open items and none of another tenant's", async () => {
    const result = await runCli(['queue', 'list', '--data-dir', dir, '--json'], { env: ENV });
    assert.equal(result.code, 0, result.stderr);
    const items = JSON.parse(result.stdout) as { id: string }[];
    assert.deepEqual(items.map((i) => i.id).sort(), [ids[0], ids[1]].sort());
  });

  it('shows an item with its details', async () => {
    const result = await runCli(['queue', 'show', ids[0] as string, '--data-dir', dir], { env: ENV });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      (JSON.parse(result.stdout) as { details: { data: { memberId: string } } }).details.data.memberId,
      'W111',
    );
  });

  it("refuses to show another tenant's item", async () => {
    const result = await runCli(['queue', 'show', ids[2] as string, '--data-dir', dir], { env: ENV });
    assert.equal(result.code, 1);
  });

  it('resolves an item, after which it is no longer listed as open', async () => {
    const result = await runCli(
      ['queue', 'resolve', ids[1] as string, '--data-dir', dir, '--staff', 'ana', '--resolution', 'done'],
      { env: ENV },
    );
    assert.equal(result.code, 0, result.stderr);
    const store = await openStore({ dataDir: dir });
    const row = await getWorkItem(store.db, 'sandbox', ids[1] as string);
    await store.close();
    assert.equal(row?.status, 'resolved');
    assert.equal(row?.resolved_by, 'ana');
    const list = await runCli(['queue', 'list', '--data-dir', dir, '--json'], { env: ENV });
    assert.deepEqual(
      (JSON.parse(list.stdout) as { id: string }[]).map((i) => i.id),
      [ids[0]],
    );
  });
});
