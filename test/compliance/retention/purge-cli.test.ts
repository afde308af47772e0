// `ehrgate purge [--dry-run]` on the store `serve` uses: the built-in sandbox tenant's defaults
// without a configuration, the configured tenants' retention with one; counts per table on
// stdout; and a chain that `audit verify` still accepts afterwards.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { createAuditAppender } from '../../../src/compliance/audit/index.ts';
import { appendCallEvent, openCall, openStore, type Store } from '../../../src/store/index.ts';
import { runCli } from '../../support/cli.ts';
import { DAY_MS } from './support.ts';

const ENV = { DATABASE_URL: undefined, EHRGATE_CONFIG: undefined, EHRGATE_DATA_KEYS: undefined };

async function seed(store: Store, tenantId: string, callId: string, days: number): Promise<void> {
  const at = Date.now() - days * DAY_MS;
  await openCall(store.db, { tenantId, channel: 'sim', id: callId, now: at });
  await appendCallEvent(store.db, { tenantId, callId, type: 'tool.call', dataEnc: '{}', now: at });
}

async function countCalls(dir: string, url?: string): Promise<string[]> {
  const store = await openStore({ dataDir: dir, url });
  try {
    return (await store.db.selectFrom('calls').select('id').orderBy('id').execute()).map((r) => r.id);
  } finally {
    await store.close();
  }
}

describe('ehrgate purge', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ehrgate-purge-cli-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("uses the sandbox tenant's defaults without a configuration; a dry run deletes nothing", async () => {
    const dataDir = join(dir, 'default');
    const store = await openStore({ dataDir });
    await seed(store, 'sandbox', 'old', 31);
    await seed(store, 'sandbox', 'recent', 29);
    const appender = createAuditAppender({ store });
    await appender.append({
      tenantId: 'sandbox',
      actor: 'gateway',
      action: 'ehr.read',
      at: Date.now() - 2_191 * DAY_MS,
    });
    await appender.append({ tenantId: 'sandbox', actor: 'gateway', action: 'ehr.read' });
    await store.close();

    const dry = await runCli(['purge', '--dry-run', '--data-dir', dataDir], { env: ENV });
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^dry run: .*nothing was deleted/);
    assert.match(dry.stdout, /tenant sandbox \(call data before \d{4}-\d\d-\d\dT/);
    assert.match(dry.stdout, /\n {2}calls +1\n/);
    assert.match(dry.stdout, /\n {2}call_events +1\n/);
    assert.match(dry.stdout, /\n {2}audit_log +1\n/);
    assert.deepEqual(await countCalls(dataDir), ['old', 'recent']);

    const real = await runCli(['purge', '--data-dir', dataDir], { env: ENV });
    assert.equal(real.code, 0, real.stderr);
    assert.match(real.stdout, /\n {2}calls +1\n/);
    assert.match(real.stdout, /recorded as audit record 3\n/);
    assert.deepEqual(await countCalls(dataDir), ['recent']);

    const verify = await runCli(['audit', 'verify', '--data-dir', dataDir], { env: ENV });
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /^OK 2 audit records/);
  });

  it("applies each configured tenant's retention and leaves unconfigured tenants alone", async () => {
    const path = join(dir, 'configured.sqlite');
    const store = await openStore({ url: path });
    await seed(store, 'riverside', 'r-20', 20);
    await seed(store, 'riverside', 'r-5', 5);
    await seed(store, 'elsewhere', 'e-400', 400);
    await store.close();
    const config = join(dir, 'ehrgate.yaml');
    await writeFile(
      config,
      stringify({
        store: { url: `sqlite:${path}` },
        tenants: [
          {
            id: 'riverside',
            ehr: { vendor: 'fhir-r4', baseUrl: 'http://127.0.0.1:9/fhir', auth: { method: 'none' } },
            workflows: ['routing'],
            routing: [{ intent: 'billing', to: { queue: 'billing' } }],
            retention: { transcriptsDays: 10 },
          },
        ],
      }),
    );
    const result = await runCli(['purge', '--config', config, '--json'], { env: ENV });
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as {
      dryRun: boolean;
      tenants: { tenantId: string; deleted: Record<string, number> }[];
    };
    assert.equal(report.dryRun, false);
    assert.deepEqual(
      report.tenants.map((t) => [t.tenantId, t.deleted.calls, t.deleted.call_events]),
      [['riverside', 1, 1]],
    );
    assert.deepEqual(await countCalls(dir, path), ['e-400', 'r-5']);
  });
});
