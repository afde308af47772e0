// `ehrgate audit verify|export` on the store `serve` uses (the SQLite file under --data-dir, or
// DATABASE_URL): exit 0 and OK on an intact chain, exit 1 and the broken seq after tampering.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createAuditAppender } from '../../../src/compliance/audit/index.ts';
import { openCall, openStore } from '../../../src/store/index.ts';
import { postgresBackend } from '../../store/backends.ts';
import { runCli } from '../../support/cli.ts';

const ENV = { DATABASE_URL: undefined, EHRGATE_CONFIG: undefined };

describe('ehrgate audit', () => {
  let dir: string;
  let callId: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ehrgate-audit-cli-'));
    const store = await openStore({ dataDir: dir });
    const { call } = await openCall(store.db, { tenantId: 'sandbox', channel: 'http' });
    callId = call.id;
    const appender = createAuditAppender({ store });
    for (let i = 1; i <= 4; i++) {
      await appender.append({
        tenantId: 'sandbox',
        actor: 'gateway',
        action: 'ehr.read',
        callId,
        target: `Appointment/${i}`,
        detail: { method: 'GET', status: 200 },
      });
    }
    await store.close();
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('prints OK with the count and exits 0 on an intact chain', async () => {
    const result = await runCli(['audit', 'verify', '--data-dir', dir], { env: ENV });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^OK 4 audit records, head [0-9a-f]{64}\n$/);
  });

  it('exports a call as a FHIR Bundle of AuditEvents', async () => {
    const result = await runCli(
      ['audit', 'export', '--call', callId, '--format', 'fhir', '--data-dir', dir],
      {
        env: ENV,
      },
    );
    assert.equal(result.code, 0, result.stderr);
    const bundle = JSON.parse(result.stdout) as {
      type: string;
      entry: { resource: { resourceType: string } }[];
    };
    assert.equal(bundle.type, 'collection');
    assert.deepEqual(
      bundle.entry.map((e) => e.resource.resourceType),
      ['AuditEvent', 'AuditEvent', 'AuditEvent', 'AuditEvent'],
    );
  });

  it('exits 1 for a call with no audit events', async () => {
    const result = await runCli(['audit', 'export', '--call', 'nope', '--data-dir', dir], { env: ENV });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /no audit events for call nope/);
  });

  it('prints the first broken link and exits 1 after a record is changed', async () => {
    const store = await openStore({ dataDir: dir });
    try {
      await store.db
        .updateTable('audit_log')
        .set({ target: 'Appointment/999' })
        .where('seq', '=', 2)
        .execute();
    } finally {
      await store.close();
    }
    const result = await runCli(['audit', 'verify', '--data-dir', dir], { env: ENV });
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^BROKEN at seq 2: record changed/);
  });
});

describe('ehrgate audit verify on PostgreSQL', () => {
  const backend = postgresBackend();
  after(() => backend.cleanup());

  it('reads the chain from DATABASE_URL and finds a deleted record', async () => {
    const store = await backend.open();
    const appender = createAuditAppender({ store });
    for (let i = 1; i <= 3; i++) await appender.append({ actor: 'cli', action: 'test.event' });
    const url = await backend.url();
    const ok = await runCli(['audit', 'verify'], { env: { ...ENV, DATABASE_URL: url } });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^OK 3 audit records/);
    await store.db.deleteFrom('audit_log').where('seq', '=', 2).execute();
    const broken = await runCli(['audit', 'verify'], { env: { ...ENV, DATABASE_URL: url } });
    assert.equal(broken.code, 1);
    assert.match(broken.stdout, /^BROKEN at seq 2: record missing/);
  });
});
