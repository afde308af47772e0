import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/index.ts';
import { REPO_ROOT } from '../support/fixtures.ts';

// docs/example-config.yaml is what operators copy; it must keep loading as the schema evolves.
const EXAMPLE = join(REPO_ROOT, 'docs', 'example-config.yaml');

const env = {
  RIVERSIDE_CLIENT_ID: 'riverside-client-id',
  RIVERSIDE_VAPI_SECRET: 'riverside-vapi-secret',
  MERCY_CLIENT_ID: 'mercy-client-id',
  MERCY_CLIENT_SECRET: 'mercy-client-secret',
  MERCY_RETELL_API_KEY: 'mercy-retell-key',
  MERCY_HTTP_API_KEY: 'mercy-http-key',
};

describe('docs/example-config.yaml', () => {
  it('loads with the environment variables it references', async () => {
    const config = await loadConfig({ path: EXAMPLE, env });
    assert.deepEqual(
      config.tenants.map((tenant) => [tenant.id, tenant.ehr.vendor]),
      [
        ['riverside', 'epic'],
        ['mercy-valley', 'cerner'],
      ],
    );
    const [riverside, mercy] = config.tenants;
    assert.equal(
      riverside.ehr.auth.method === 'private_key_jwt' && riverside.ehr.auth.keys,
      join(REPO_ROOT, 'docs', 'keys', 'riverside'),
    );
    assert.equal(
      mercy.ehr.auth.method === 'client_secret_basic' && mercy.ehr.auth.clientSecret,
      'mercy-client-secret',
    );
    assert.deepEqual(mercy.channels?.http?.apiKeys, ['mercy-http-key']);
  });

  it('refuses to start when one of those variables is missing', async () => {
    const { MERCY_CLIENT_SECRET: _omitted, ...partial } = env;
    await assert.rejects(loadConfig({ path: EXAMPLE, env: partial }), {
      code: 'ERR_CONFIG_SECRET_MISSING',
      problems: [
        {
          path: 'tenants[1].ehr.auth.clientSecret',
          reason: 'environment variable MERCY_CLIENT_SECRET is not set',
        },
      ],
    });
  });
});
