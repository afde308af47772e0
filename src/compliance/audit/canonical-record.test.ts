import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { auditRecordHash, canonicalJson, GENESIS_HASH, type HashedAuditRecord } from './canonical-record.ts';

const RECORD: HashedAuditRecord = {
  seq: 1,
  tenant_id: 'riverside',
  at: 1_750_000_000_000,
  actor: 'gateway',
  action: 'ehr.read',
  call_id: null,
  target: 'Appointment/1',
  detail_enc: '{"outcome":"success"}',
  key_id: null,
  prev_hash: GENESIS_HASH,
};

describe('canonicalJson', () => {
  it('sorts keys at every depth and leaves undefined members out', () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: undefined } }),
      '{"a":{"d":[2,{"y":2,"z":1}]},"b":1}',
    );
  });
});

describe('auditRecordHash', () => {
  it('is SHA-256 of the previous hash followed by the canonical record', () => {
    const { prev_hash, ...rest } = RECORD;
    const expected = createHash('sha256')
      .update(`${prev_hash}${canonicalJson(rest)}`)
      .digest('hex');
    assert.equal(auditRecordHash(RECORD), expected);
  });

  it('does not depend on the order the columns arrive in', () => {
    const reversed = Object.fromEntries(Object.entries(RECORD).reverse()) as HashedAuditRecord;
    assert.equal(auditRecordHash(reversed), auditRecordHash(RECORD));
  });

  it('changes when any field or the previous hash changes', () => {
    const base = auditRecordHash(RECORD);
    for (const change of [
      { seq: 2 },
      { tenant_id: 'lakeside' },
      { at: RECORD.at + 1 },
      { target: 'Appointment/2' },
      { detail_enc: null },
      { prev_hash: 'f'.repeat(64) },
    ]) {
      assert.notEqual(auditRecordHash({ ...RECORD, ...change }), base, JSON.stringify(change));
    }
  });
});
