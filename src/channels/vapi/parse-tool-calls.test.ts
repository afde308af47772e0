import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CALL_ID_RULE } from '../lib/call-id.ts';
import { parseVapiMessage } from './parse-tool-calls.ts';
import { foldLines } from './single-line.ts';

describe('parseVapiMessage', () => {
  it('reads both tool-call shapes, defaulting missing arguments to {}', () => {
    const parsed = parseVapiMessage({
      message: {
        type: 'tool-calls',
        call: { id: 'call-1' },
        toolCallList: [
          { id: 'a', type: 'function', function: { name: 'find_slots', arguments: '{"visitType":"x"}' } },
          { id: 'b', name: 'end_call' },
        ],
      },
    });
    assert.deepEqual(parsed, {
      kind: 'tool-calls',
      callId: 'call-1',
      toolCalls: [
        { id: 'a', name: 'find_slots', args: '{"visitType":"x"}' },
        { id: 'b', name: 'end_call', args: {} },
      ],
    });
  });

  it('names the first problem and keeps the tool call ids so each can be answered', () => {
    const parsed = parseVapiMessage({
      message: { type: 'tool-calls', toolCallList: [{ id: 'a', name: 'find_slots' }] },
    });
    assert.equal(parsed.kind, 'invalid');
    assert.ok(parsed.kind === 'invalid' && parsed.message.startsWith('message.call'));
    assert.deepEqual(parsed.kind === 'invalid' && parsed.toolCallIds, ['a']);
    // A call id that could carry a line break into a log or a path is refused, as on every channel.
    const smuggling = parseVapiMessage({
      message: { type: 'tool-calls', call: { id: 'c\nx' }, toolCallList: [{ id: 'a', name: 'find_slots' }] },
    });
    assert.deepEqual(smuggling, {
      kind: 'invalid',
      message: `message.call.id: expected ${CALL_ID_RULE}`,
      toolCallIds: ['a'],
    });
  });

  it('reads each tool call on its own, naming the missing or wrong field of a bad one', () => {
    const parsed = parseVapiMessage({
      message: {
        type: 'tool-calls',
        call: { id: 'call-1' },
        toolCallList: [
          { id: 'a', type: 'function', function: { name: 'find_slots', arguments: {} } },
          { id: 'b', type: 'function', function: { arguments: {} } },
          { id: 'c', name: '' },
          { type: 'function', function: { name: 'end_call' } },
          'not an object',
        ],
      },
    });
    assert.deepEqual(parsed, {
      kind: 'tool-calls',
      callId: 'call-1',
      toolCalls: [
        { id: 'a', name: 'find_slots', args: {} },
        { id: 'b', invalid: 'message.toolCallList.1.function.name: required' },
        { id: 'c', invalid: 'message.toolCallList.2.name: expected a non-empty string' },
        { id: undefined, invalid: 'message.toolCallList.3.id: required' },
        { id: undefined, invalid: 'message.toolCallList.4: expected a tool call object' },
      ],
    });
  });

  it('acknowledges other server messages without acting on them', () => {
    assert.deepEqual(parseVapiMessage({ message: { type: 'status-update', status: 'in-progress' } }), {
      kind: 'other',
      type: 'status-update',
    });
  });

  it("reads the ended call's id from an end-of-call-report", () => {
    assert.deepEqual(
      parseVapiMessage({
        message: { type: 'end-of-call-report', endedReason: 'customer-ended-call', call: { id: 'c-9' } },
      }),
      { kind: 'call-ended', callId: 'c-9' },
    );
    // An id no platform mints ends nothing: the report is only acknowledged.
    assert.equal(
      parseVapiMessage({ message: { type: 'end-of-call-report', call: { id: '{{call.id}}' } } }).kind,
      'other',
    );
  });
});

describe('foldLines', () => {
  it('puts every string of a result on one line', () => {
    assert.deepEqual(foldLines({ say: 'Line one.\n  Line two.\r\n', list: ['a\u2028b'], n: 1 }), {
      say: 'Line one. Line two.',
      list: ['a b'],
      n: 1,
    });
  });
});
