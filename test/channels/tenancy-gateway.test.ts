// The gateway's own wiring of tenancy (issue 6 item 4): the built-in configuration opens the
// sandbox tenant to a development key, a credential shared by two tenants stops start-up, and
// the Vapi route answers on a started gateway.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_TENANT_ID } from '../../src/config/index.ts';
import { createLogger } from '../../src/server/logger.ts';
import { type RunningGateway, startGateway } from '../../src/server/start-gateway.ts';

describe('gateway tenancy wiring', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ehrgate-tenancy-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('opens the sandbox tenant to EHRGATE_DEV_KEY on the HTTP channel and MCP, and to nothing else', async () => {
    let gateway: RunningGateway | undefined;
    try {
      gateway = await startGateway({
        port: 0,
        sandboxPort: 0,
        dataDir: join(dir, 'env-key'),
        env: { EHRGATE_DEV_KEY: 'dev-key-for-this-test', DATABASE_URL: '' },
        logger: createLogger({ level: 'silent' }),
      });
      assert.deepEqual(gateway.devKey, { key: 'dev-key-for-this-test', source: 'env' });
      const headers = { authorization: 'Bearer dev-key-for-this-test' };
      for (const channel of ['http', 'mcp'] as const) {
        const result = await gateway.channelAuth.authenticate({ channel, headers });
        assert.equal(result.ok && result.tenantId, DEFAULT_TENANT_ID, channel);
      }
      const vapi = await gateway.channelAuth.authenticate({ channel: 'vapi', headers });
      assert.equal(!vapi.ok && vapi.code, 'invalid_credential');
      // The Vapi route is live and answers in Vapi's shape.
      const response = await fetch(`${gateway.url}/vapi/tool-calls`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: '{}',
      });
      assert.equal(response.status, 200);
      assert.match(((await response.json()) as { error: string }).error, /^invalid_credential: /);
    } finally {
      await gateway?.close();
    }
  });

  it('generates a development key when none is set', async () => {
    let gateway: RunningGateway | undefined;
    try {
      gateway = await startGateway({
        port: 0,
        sandboxPort: 0,
        dataDir: join(dir, 'generated'),
        env: { DATABASE_URL: '' },
        logger: createLogger({ level: 'silent' }),
      });
      assert.equal(gateway.devKey?.source, 'generated');
      const result = await gateway.channelAuth.authenticate({
        channel: 'http',
        headers: { authorization: `Bearer ${gateway.devKey?.key}` },
      });
      assert.equal(result.ok, true);
    } finally {
      await gateway?.close();
    }
  });

  it('refuses to start when two tenants share a channel credential', async () => {
    const configPath = join(dir, 'shared-key.yaml');
    const tenant = (id: string) => `
  - id: ${id}
    ehr: { vendor: fhir-r4, baseUrl: "http://127.0.0.1:9/fhir/R4", auth: { method: none } }
    workflows: [scheduling]
    scheduling:
      visitTypes: [{ id: follow-up, say: follow-up visit, minutes: 20, fhir: { system: "urn:x", code: f } }]
    channels: { http: { apiKeys: [env:SHARED_KEY] } }`;
    await writeFile(configPath, `tenants:${tenant('valley')}${tenant('hillside')}\n`);
    await assert.rejects(
      startGateway({
        configPath,
        port: 0,
        dataDir: join(dir, 'shared'),
        env: { SHARED_KEY: 'one-key-two-tenants', DATABASE_URL: '' },
        logger: createLogger({ level: 'silent' }),
      }),
      (error: unknown) =>
        (error as { code?: string }).code === 'ERR_CONFIG_INVALID' &&
        /tenants\[1\]\.channels\.http\.apiKeys\[0\]/.test((error as Error).message),
    );
  });
});
