import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CALL_ID_RULE } from '../lib/call-id.ts';
import { parseRetellCall } from './parse-function-call.ts';

describe('parseRetellCall', () => {
  it('reads the {name, call, args} body', () => {
    assert.deepEqual(
      parseRetellCall({
        body: { name: 'find_slots', call: { call_id: 'c1', transcript: '...' }, args: { a: 1 } },
      }),
      { ok: true, name: 'find_slots', callId: 'c1', args: { a: 1 } },
    );
  });

  it('reads an args-only body with the name from the path and the call id from the query or header', () => {
    assert.deepEqual(
      parseRetellCall({ body: { visitType: 'x' }, pathName: 'find_slots', queryCallId: 'c2' }),
      {
        ok: true,
        name: 'find_slots',
        callId: 'c2',
        args: { visitType: 'x' },
      },
    );
    const byHeader = parseRetellCall({ body: {}, pathName: 'end_call', headerCallId: 'c3' });
    assert.equal(byHeader.ok && byHeader.callId, 'c3');
  });

  it('refuses a body whose name contradicts the path, or a call without an id', () => {
    const contradicting = parseRetellCall({
      body: { name: 'a', call: { call_id: 'c' }, args: {} },
      pathName: 'b',
    });
    assert.equal(contradicting.ok, false);
    const noCall = parseRetellCall({ body: { x: 1 }, pathName: 'find_slots' });
    assert.ok(!noCall.ok && noCall.message.startsWith('call.call_id'));
    assert.equal(parseRetellCall({ body: [1] }).ok, false);
  });

  it('refuses a call id no platform mints, naming where it came from: an unfilled {{call_id}} would join every call', () => {
    assert.deepEqual(parseRetellCall({ body: {}, pathName: 'find_slots', queryCallId: '{{call_id}}' }), {
      ok: false,
      message: `?call_id: expected ${CALL_ID_RULE} (a dynamic variable Retell did not fill)`,
    });
    assert.deepEqual(parseRetellCall({ body: {}, pathName: 'end_call', headerCallId: 'a b' }), {
      ok: false,
      message: `x-retell-call-id: expected ${CALL_ID_RULE}`,
    });
    const wrapped = parseRetellCall({ body: { name: 'end_call', call: { call_id: '../x' }, args: {} } });
    assert.ok(!wrapped.ok && wrapped.message.startsWith('call.call_id: expected'));
  });
});
