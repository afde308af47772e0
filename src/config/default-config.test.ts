import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { defaultConfig, defaultConfigDocument } from './default-config.ts';
import { loadConfig } from './load-config.ts';
import { configFileSchema } from './schema.ts';

const sandboxUrl = 'http://127.0.0.1:18090';

describe('defaultConfig', () => {
  it('builds a document that the file schema accepts as it stands', () => {
    const result = configFileSchema.safeParse(
      defaultConfigDocument({ sandboxUrl, keysDir: '/tmp/ehrgate-keys' }),
    );
    assert.equal(result.success, true, JSON.stringify(result.error?.issues));
  });

  it('points one non-production sandbox tenant at the sandbox R4 endpoint', () => {
    const config = defaultConfig({ sandboxUrl: `${sandboxUrl}/`, env: {} });
    assert.equal(config.tenants.length, 1);
    const [tenant] = config.tenants;
    assert.equal(tenant.id, 'sandbox');
    assert.equal(tenant.name, 'Sandbox Clinic');
    assert.equal(tenant.production, false);
    assert.equal(tenant.ehr.vendor, 'fhir-r4');
    assert.equal(tenant.ehr.baseUrl, `${sandboxUrl}/fhir/R4`);
    assert.deepEqual(
      tenant.ehr.auth.method === 'private_key_jwt' && [tenant.ehr.auth.clientId, tenant.ehr.auth.alg],
      ['ehrgate-sandbox', 'ES384'],
      'the sandbox tenant authenticates like a production Epic tenant',
    );
    assert.deepEqual(tenant.workflows, ['scheduling', 'identity', 'intake', 'insurance', 'routing']);
    assert.deepEqual(
      tenant.scheduling?.visitTypes.map((visit) => [visit.id, visit.minutes]),
      [
        ['new-patient', 40],
        ['follow-up', 20],
      ],
    );
    assert.deepEqual(tenant.mapping, {
      chiefComplaint: { to: 'appointment-note' },
      reasonForVisit: { to: 'appointment-note' },
      insurance: { to: 'coverage' },
    });
    assert.ok((tenant.routing?.length ?? 0) > 0);
    assert.deepEqual(tenant.subprocessors, []);
    assert.equal(config.sandbox.port, 18090, 'the sandbox port follows the sandbox URL');
    assert.deepEqual(config.source, { kind: 'default' });
  });

  it('is deeply frozen', () => {
    const config = defaultConfig({ sandboxUrl, env: {} });
    assert.ok(Object.isFrozen(config));
    assert.ok(Object.isFrozen(config.tenants));
    assert.ok(Object.isFrozen(config.tenants[0].scheduling?.visitTypes[1].fhir));
    assert.throws(() => {
      (config.tenants[0] as { production: boolean }).production = true;
    }, TypeError);
  });

  it('uses DATABASE_URL for the store, else SQLite in the data directory', () => {
    const url = 'postgres://postgres@127.0.0.1:5432/test';
    assert.equal(defaultConfig({ sandboxUrl, env: { DATABASE_URL: url } }).store.url, url);
    assert.equal(
      defaultConfig({ sandboxUrl, env: {}, dataDir: '/var/lib/ehrgate' }).store.url,
      `sqlite:${join('/var/lib/ehrgate', 'ehrgate.sqlite')}`,
    );
    assert.equal(defaultConfig({ sandboxUrl, env: {} }).store.url, undefined);
  });

  it('is what loadConfig returns when no file is named', async () => {
    const loaded = await loadConfig({ env: {}, sandboxUrl });
    assert.deepEqual(loaded, defaultConfig({ sandboxUrl, env: {} }));
    const fallback = await loadConfig({ env: {} });
    assert.equal(fallback.tenants[0].ehr.baseUrl, 'http://127.0.0.1:8090/fhir/R4');
  });
});
