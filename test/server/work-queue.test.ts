// The staff work queue API over real HTTP (issue 5 item 5): tenancy by API key (tenant A never
// sees tenant B's items), list, show with details, claim and resolve with their conflicts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import type { TenantConfig } from '../../src/config/types.ts';
import { registerWorkQueueRoutes } from '../../src/server/work-queue-routes.ts';
import { createWorkItem, openStore, type Store } from '../../src/store/index.ts';
import { sealJson } from '../../src/workflows/lib/sealed-json.ts';

const KEY_A = 'key-of-tenant-a-0123456789';
const KEY_B = 'key-of-tenant-b-0123456789';

function tenant(id: string, key: string): TenantConfig {
  return {
    id,
    name: id,
    production: false,
    timeZone: 'America/New_York',
    ehr: { vendor: 'fhir-r4', baseUrl: 'http://127.0.0.1:9/fhir/R4', auth: { method: 'none' } },
    workflows: ['insurance'],
    channels: { http: { apiKeys: [key] } },
    subprocessors: [],
  };
}

describe('work queue API', () => {
  let store: Store;
  let app: FastifyInstance;
  let base: string;
  const ids: Record<string, string> = {};

  before(async () => {
    store = await openStore({ url: ':memory:' });
    for (const [tenantId, name] of [
      ['a', 'a1'],
      ['a', 'a2'],
      ['b', 'b1'],
    ] as const) {
      const details = sealJson({ instructions: `enter ${name}`, data: { memberId: name } });
      const item = await createWorkItem(store.db, {
        tenantId,
        kind: 'coverage.create',
        queue: 'billing',
        reason: 'no_api',
        detailsEnc: details.enc,
        keyId: details.keyId,
      });
      ids[name] = item.id;
    }
    app = Fastify();
    registerWorkQueueRoutes(app, { store, tenants: [tenant('a', KEY_A), tenant('b', KEY_B)] });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  const call = (path: string, key: string | undefined, body?: unknown) =>
    fetch(`${base}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it('refuses a request without a valid API key', async () => {
    assert.equal((await call('/v1/work-items', undefined)).status, 401);
    assert.equal((await call('/v1/work-items', 'not-a-key')).status, 401);
  });

  it("lists only the key's tenant's items", async () => {
    const a = (await (await call('/v1/work-items', KEY_A)).json()) as { items: { id: string }[] };
    assert.deepEqual(a.items.map((i) => i.id).sort(), [ids.a1, ids.a2].sort());
    const b = (await (await call('/v1/work-items', KEY_B)).json()) as { items: { id: string }[] };
    assert.deepEqual(
      b.items.map((i) => i.id),
      [ids.b1],
    );
  });

  it("answers 404 for another tenant's item, for show, claim and resolve", async () => {
    assert.equal((await call(`/v1/work-items/${ids.b1}`, KEY_A)).status, 404);
    assert.equal((await call(`/v1/work-items/${ids.b1}/claim`, KEY_A, { staffId: 'ana' })).status, 404);
    const resolve = await call(`/v1/work-items/${ids.b1}/resolve`, KEY_A, {
      staffId: 'ana',
      resolution: 'done',
    });
    assert.equal(resolve.status, 404);
  });

  it('shows an item with the details staff need', async () => {
    const response = await call(`/v1/work-items/${ids.a1}`, KEY_A);
    assert.equal(response.status, 200);
    const item = (await response.json()) as { details: { data: { memberId: string } }; reason: string };
    assert.equal(item.details.data.memberId, 'a1');
    assert.equal(item.reason, 'no_api');
  });

  it('lets one staff member claim an item and refuses a second claim with 409', async () => {
    const first = await call(`/v1/work-items/${ids.a2}/claim`, KEY_A, { staffId: 'ana' });
    assert.equal(first.status, 200);
    assert.equal(((await first.json()) as { status: string }).status, 'claimed');
    const second = await call(`/v1/work-items/${ids.a2}/claim`, KEY_A, { staffId: 'bo' });
    assert.equal(second.status, 409);
    const byOther = await call(`/v1/work-items/${ids.a2}/resolve`, KEY_A, {
      staffId: 'bo',
      resolution: 'done',
    });
    assert.equal(byOther.status, 409);
    const resolved = await call(`/v1/work-items/${ids.a2}/resolve`, KEY_A, {
      staffId: 'ana',
      resolution: 'done',
    });
    assert.equal(resolved.status, 200);
    const open = (await (await call('/v1/work-items?status=open', KEY_A)).json()) as {
      items: { id: string }[];
    };
    assert.deepEqual(
      open.items.map((i) => i.id),
      [ids.a1],
    );
  });

  it('rejects a bad status filter and a resolution that is not a code', async () => {
    assert.equal((await call('/v1/work-items?status=lost', KEY_A)).status, 400);
    const bad = await call(`/v1/work-items/${ids.a1}/resolve`, KEY_A, {
      staffId: 'ana',
      resolution: 'Called Mrs Doe',
    });
    assert.equal(bad.status, 400);
  });
});
