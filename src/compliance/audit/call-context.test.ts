import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { currentAuditCallId, holdAnswerFor, runInAuditCall } from './call-context.ts';

describe('audit call context', () => {
  it('follows awaits inside a tool call and is empty outside one', async () => {
    let storeCallId: string | undefined;
    const seen = await runInAuditCall(
      () => storeCallId,
      async () => {
        storeCallId = 'call-1';
        await tick();
        return currentAuditCallId();
      },
    );
    assert.equal(seen, 'call-1');
    assert.equal(currentAuditCallId(), undefined);
  });

  it('answers only after the audit writes held during the call have settled', async () => {
    const order: string[] = [];
    let finishWrite: () => void = () => {};
    const answer = runInAuditCall(
      () => 'call-1',
      async () => {
        holdAnswerFor(
          new Promise<void>((resolve) => {
            finishWrite = resolve;
          }).then(() => order.push('write')),
        );
        return 'answer';
      },
    ).then((value) => order.push(value));
    await tick();
    assert.deepEqual(order, []);
    finishWrite();
    await answer;
    assert.deepEqual(order, ['write', 'answer']);
  });

  it('holds nothing outside a tool call', () => {
    assert.doesNotThrow(() => holdAnswerFor(Promise.resolve()));
  });
});
