import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TenantConfig } from '../../config/types.ts';
import { EhrgateError } from '../../errors.ts';
import { buildCredentialIndex } from './credential-index.ts';

function tenant(id: string, channels: TenantConfig['channels']): TenantConfig {
  return { id, channels } as unknown as TenantConfig;
}

describe('buildCredentialIndex', () => {
  it('refuses to start when two tenants share a credential, naming both places', () => {
    const tenants = [
      tenant('valley', { http: { apiKeys: ['a-key', 'shared'] } }),
      tenant('hillside', { mcp: { apiKeys: ['shared'] } }),
    ];
    assert.throws(
      () => buildCredentialIndex(tenants),
      (error: unknown) =>
        error instanceof EhrgateError &&
        error.code === 'ERR_CONFIG_INVALID' &&
        error.message.includes('tenants[1].channels.mcp.apiKeys[0]') &&
        error.message.includes('tenants[0].channels.http.apiKeys[1]'),
    );
  });

  it('refuses a Vapi secret of one tenant that is the Retell key of another', () => {
    const tenants = [
      tenant('valley', { vapi: { secret: 'same' } }),
      tenant('hillside', { retell: { apiKey: 'same' } }),
    ];
    assert.throws(() => buildCredentialIndex(tenants), { code: 'ERR_CONFIG_INVALID' });
  });

  it('lets one tenant use the same key on two of its own channels', () => {
    const index = buildCredentialIndex([
      tenant('valley', { http: { apiKeys: ['k'] }, mcp: { apiKeys: ['k'] } }),
    ]);
    assert.equal(index.bearer('http', 'k')?.tenantId, 'valley');
    assert.equal(index.bearer('mcp', 'k')?.tenantId, 'valley');
  });

  it('opens the HTTP channel and MCP, not Vapi, to the development key', () => {
    const index = buildCredentialIndex([tenant('sandbox', undefined)], {
      devKey: { tenantId: 'sandbox', secret: 'ehrgate_dev_x' },
    });
    assert.deepEqual(index.bearer('http', 'ehrgate_dev_x'), { tenantId: 'sandbox', kind: 'dev-key' });
    assert.equal(index.bearer('mcp', 'ehrgate_dev_x')?.tenantId, 'sandbox');
    assert.equal(index.bearer('vapi', 'ehrgate_dev_x'), undefined);
    assert.equal(index.bearer('http', 'ehrgate_dev_y'), undefined);
  });

  it('refuses a development key equal to a configured key of another tenant', () => {
    assert.throws(
      () =>
        buildCredentialIndex(
          [tenant('sandbox', undefined), tenant('valley', { http: { apiKeys: ['dev'] } })],
          {
            devKey: { tenantId: 'sandbox', secret: 'dev' },
          },
        ),
      { code: 'ERR_CONFIG_INVALID' },
    );
  });
});
