import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ToolDescriptor } from '../../tools/contract.ts';
import { openApiDocument } from './openapi-document.ts';

const recursive: ToolDescriptor = {
  name: 'note_tree',
  description: 'Records a tree of notes. Second sentence.',
  inputSchema: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    properties: { root: { $ref: '#/$defs/node' } },
    $defs: {
      node: { type: 'object', properties: { children: { type: 'array', items: { $ref: '#/$defs/node' } } } },
    },
  },
  outputSchema: { type: 'object', properties: { status: { type: 'string' } } },
};

describe('openApiDocument', () => {
  it('hoists $defs into components and rewrites their references, so they resolve from the document root', () => {
    const doc = openApiDocument({ tools: [recursive], version: '1.2.3' });
    const schemas = (doc.components as { schemas: Record<string, Record<string, unknown>> }).schemas;
    const input = schemas.NoteTreeInput;
    assert.ok(input);
    assert.equal('$defs' in input, false);
    assert.equal('$schema' in input, false);
    assert.deepEqual(input.properties, { root: { $ref: '#/components/schemas/NoteTreeInputNode' } });
    assert.deepEqual(schemas.NoteTreeInputNode, {
      type: 'object',
      properties: { children: { type: 'array', items: { $ref: '#/components/schemas/NoteTreeInputNode' } } },
    });
  });

  it('describes the PHI firewall routes only when they are served', () => {
    const without = openApiDocument({ tools: [recursive], version: '1.2.3' });
    assert.deepEqual(Object.keys(without.paths as object), ['/v1/calls/{callId}/tools/note_tree']);
    const doc = openApiDocument({ tools: [recursive], version: '1.2.3', phi: true });
    const paths = doc.paths as Record<
      string,
      { post: { operationId: string; responses: Record<string, unknown> } }
    >;
    assert.equal(paths['/v1/calls/{callId}/phi/protect']?.post.operationId, 'phi_protect');
    const reveal = paths['/v1/calls/{callId}/phi/reveal']?.post;
    assert.equal(reveal?.operationId, 'phi_reveal');
    assert.deepEqual(reveal?.responses['403'], { $ref: '#/components/responses/Error403' });
    assert.ok((doc.components as { responses: Record<string, unknown> }).responses.Error403);
  });

  it('summarises each operation with the first sentence of the tool description', () => {
    const doc = openApiDocument({ tools: [recursive], version: '1.2.3' });
    const operation = (doc.paths as Record<string, { post: { summary: string } }>)[
      '/v1/calls/{callId}/tools/note_tree'
    ];
    assert.equal(operation?.post.summary, 'Records a tree of notes.');
    assert.equal((doc.info as { version: string }).version, '1.2.3');
  });
});
