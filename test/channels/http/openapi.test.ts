// The OpenAPI 3.1 document at /openapi.json, generated from the catalog: a path and schemas for
// every tool the tenant has, every reference resolvable, every schema a valid JSON Schema 2020-12
// that accepts what the channel really accepts and answers.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { bearer, type ChannelHarness, KEYS, SLOT_ARGS, startChannelHarness } from './support.ts';

let h: ChannelHarness;
let doc: Record<string, unknown>;

before(async () => {
  h = await startChannelHarness();
  const response = await fetch(`${h.url}/openapi.json`, { headers: bearer(KEYS.http) });
  assert.equal(response.status, 200);
  doc = (await response.json()) as Record<string, unknown>;
});
after(() => h.close());

type Operation = {
  operationId: string;
  requestBody: { content: Record<string, { schema: { $ref: string } }> };
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: { $ref: string } }> }>;
};

function resolve(pointer: string): unknown {
  assert.ok(pointer.startsWith('#/'), pointer);
  return pointer
    .slice(2)
    .split('/')
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], doc);
}

function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key === '$ref' && typeof inner === 'string' ? [inner] : refsIn(inner),
  );
}

function ajvWithComponents(): Ajv2020 {
  // Component schemas refer to each other by document pointer; give Ajv the document's components.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema({ $id: 'doc', components: (doc as { components: unknown }).components }, 'doc');
  return ajv;
}

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 with a POST path and input and output schemas for every tool of the tenant', () => {
    assert.match(String(doc.openapi), /^3\.1\./);
    const tools = h.router.list(h.tenant.id);
    assert.ok(tools.length >= 2);
    const paths = doc.paths as Record<string, { post: Operation }>;
    assert.deepEqual(
      Object.keys(paths).sort(),
      tools.map((tool) => `/v1/calls/{callId}/tools/${tool.name}`).sort(),
    );
    for (const tool of tools) {
      const operation = paths[`/v1/calls/{callId}/tools/${tool.name}`]!.post;
      assert.equal(operation.operationId, tool.name);
      const input = resolve(operation.requestBody.content['application/json']!.schema.$ref);
      const output = resolve(operation.responses['200']!.content!['application/json']!.schema.$ref);
      assert.ok(input && typeof input === 'object', `${tool.name}: input schema present`);
      assert.ok(output && typeof output === 'object', `${tool.name}: output schema present`);
      for (const status of ['400', '401', '404', '413', '429']) {
        assert.ok(operation.responses[status], `${tool.name}: ${status} documented`);
      }
    }
  });

  it('resolves every $ref in the document', () => {
    const refs = refsIn(doc);
    assert.ok(refs.length > 0);
    for (const ref of refs) assert.notEqual(resolve(ref), undefined, ref);
  });

  it('has schemas that compile as JSON Schema 2020-12 and accept real arguments and answers', async () => {
    const ajv = ajvWithComponents();
    const schemas = (doc.components as { schemas: Record<string, unknown> }).schemas;
    for (const name of Object.keys(schemas)) {
      assert.doesNotThrow(() => ajv.getSchema(`doc#/components/schemas/${name}`), name);
    }
    const input = ajv.getSchema('doc#/components/schemas/FindSlotsInput');
    assert.ok(input);
    assert.equal(input(SLOT_ARGS), true, JSON.stringify(input.errors));
    assert.equal(input({ ...SLOT_ARGS, visitType: 42 }), false);

    const response = await h.post('/v1/calls/openapi-call-1/tools/find_slots', SLOT_ARGS, bearer(KEYS.http));
    const output = ajv.getSchema('doc#/components/schemas/FindSlotsOutput');
    assert.ok(output);
    assert.equal(output(await response.json()), true, JSON.stringify(output.errors));
    const error = ajv.getSchema('doc#/components/schemas/ToolError');
    const refused = await h.post('/v1/calls/openapi-call-1/tools/nope', {}, bearer(KEYS.http));
    assert.ok(error);
    assert.equal(error(await refused.json()), true);
  });

  it("is served only with a valid key, listing that tenant's tools", async () => {
    const response = await fetch(`${h.url}/openapi.json`);
    assert.equal(response.status, 401);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'unauthorized');
  });
});
