import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isEhrgateError } from '../../errors.ts';
import { assertPhiFlow, dataFlowsOf } from './data-flows.ts';

const tenant = {
  id: 'riverside',
  subprocessors: [
    { name: 'deepgram', role: 'stt' as const, baa: true, baaDate: '2026-02-01', zeroRetention: true },
    { name: 'openai', role: 'llm' as const, baa: false, zeroRetention: false },
    { name: 'voicecheap', role: 'tts' as const, baa: false, zeroRetention: false, region: 'eu' },
  ],
};

describe('subprocessor data flows', () => {
  it('refuses PHI flows to vendors without a BAA and allows tokens-only flows', () => {
    const flows = dataFlowsOf(tenant);
    assert.deepEqual(
      flows.map((f) => [f.vendor, f.receives, f.status]),
      [
        ['deepgram', 'phi', 'allowed'],
        ['openai', 'tokens', 'allowed'],
        ['voicecheap', 'phi', 'refused'],
      ],
    );
    assert.match(
      String(flows[2]?.problem),
      /^voicecheap \(tts\) would receive PHI without a BAA: sign a BAA/,
    );
    assert.equal(flows[2]?.region, 'eu');
  });

  it('lets PHI go only to a listed vendor with a BAA', () => {
    assert.equal(assertPhiFlow(tenant, 'deepgram').role, 'stt');
    for (const vendor of ['openai', 'voicecheap', 'unlisted']) {
      assert.throws(
        () => assertPhiFlow(tenant, vendor),
        (error) => isEhrgateError(error, 'ERR_PHI_FLOW_REFUSED') && error.message.includes(`"${vendor}"`),
      );
    }
  });
});
