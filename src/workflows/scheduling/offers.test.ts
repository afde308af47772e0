import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SlotCandidate } from '../../ehr/adapter.ts';
import { DEFAULT_OFFER_TTL_MS, OfferError, signOffer, verifyOffer } from './offers.ts';

const SECRET = 'a-test-secret-of-at-least-32-bytes-long!';
const KEY = { secret: SECRET, tenantId: 'valley', callId: 'call-1' };
const NOW = Date.parse('2030-03-04T12:00:00Z');
const CANDIDATE: SlotCandidate = {
  handle: 'slot-1',
  start: '2030-03-05T19:40:00Z',
  end: '2030-03-05T20:00:00Z',
  practitioner: { id: 'pr-1', display: 'Dr. Maria Alvarez, MD' },
  location: { id: 'loc-1', display: 'Main Street Clinic' },
  visitTypeId: 'follow-up',
};

function problemOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof OfferError);
    assert.equal(error.code, 'ERR_OFFER_INVALID');
    return error.problem;
  }
  assert.fail('expected the offer to be refused');
}

describe('offers', () => {
  it('round-trips the vendor handle, times, practitioner, location and visit type', () => {
    const token = signOffer(KEY, CANDIDATE, { now: NOW });
    const offer = verifyOffer(token, KEY, { now: NOW + 60_000 });
    assert.deepEqual(offer.candidate, CANDIDATE);
    assert.equal(offer.expiresAt, NOW + DEFAULT_OFFER_TTL_MS);
  });

  it('rejects an offer whose body was edited to another slot', () => {
    const token = signOffer(KEY, CANDIDATE, { now: NOW });
    const [body, signature] = token.split('.') as [string, string];
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString());
    payload.d.handle = 'slot-2';
    const forged = `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
    assert.equal(
      problemOf(() => verifyOffer(forged, KEY, { now: NOW })),
      'forged',
    );
  });

  it('rejects an offer signed with another secret', () => {
    const token = signOffer({ ...KEY, secret: `${SECRET}-other` }, CANDIDATE, { now: NOW });
    assert.equal(
      problemOf(() => verifyOffer(token, KEY, { now: NOW })),
      'forged',
    );
  });

  it('rejects an offer after 15 minutes and accepts it just before', () => {
    const token = signOffer(KEY, CANDIDATE, { now: NOW });
    assert.ok(verifyOffer(token, KEY, { now: NOW + DEFAULT_OFFER_TTL_MS - 1 }));
    assert.equal(
      problemOf(() => verifyOffer(token, KEY, { now: NOW + DEFAULT_OFFER_TTL_MS })),
      'expired',
    );
  });

  it('rejects an offer made in another call or for another tenant', () => {
    const token = signOffer(KEY, CANDIDATE, { now: NOW });
    assert.equal(
      problemOf(() => verifyOffer(token, { ...KEY, callId: 'call-2' }, { now: NOW })),
      'other-call',
    );
    assert.equal(
      problemOf(() => verifyOffer(token, { ...KEY, tenantId: 'riverside' }, { now: NOW })),
      'other-tenant',
    );
  });

  it('rejects text that is not an offer token', () => {
    for (const junk of ['', 'abc', 'a.b.c', '.x', 'slot-1']) {
      assert.match(
        problemOf(() => verifyOffer(junk, KEY, { now: NOW })),
        /malformed|forged/,
      );
    }
  });

  it('refuses a secret shorter than 32 bytes', () => {
    assert.throws(
      () => signOffer({ ...KEY, secret: 'short' }, CANDIDATE, { now: NOW }),
      (error: unknown) => (error as { code?: string }).code === 'ERR_CONFIG_INVALID',
    );
  });
});
