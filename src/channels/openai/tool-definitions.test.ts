import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ToolDescriptor } from '../../tools/contract.ts';
import { openAiTools } from './tool-definitions.ts';

const tool: ToolDescriptor = {
  name: 'find_slots',
  description: 'Find open appointment times.',
  inputSchema: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    properties: { visitType: { type: 'string' } },
    required: ['visitType'],
    additionalProperties: false,
  },
  outputSchema: { type: 'object' },
};

const parameters = {
  type: 'object',
  properties: { visitType: { type: 'string' } },
  required: ['visitType'],
  additionalProperties: false,
};

describe('openAiTools', () => {
  it('nests the function for Chat Completions', () => {
    assert.deepEqual(openAiTools([tool], 'chat'), [
      {
        type: 'function',
        function: {
          name: 'find_slots',
          description: 'Find open appointment times.',
          parameters,
          strict: false,
        },
      },
    ]);
  });

  it('flattens it for Responses, saying strict: false because Responses defaults to strict', () => {
    assert.deepEqual(openAiTools([tool], 'responses'), [
      {
        type: 'function',
        name: 'find_slots',
        description: 'Find open appointment times.',
        parameters,
        strict: false,
      },
    ]);
  });

  it('flattens it for Realtime session tools, which have no strict flag', () => {
    assert.deepEqual(openAiTools([tool], 'realtime'), [
      { type: 'function', name: 'find_slots', description: 'Find open appointment times.', parameters },
    ]);
  });
});
