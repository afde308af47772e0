import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from '../../support/cli.ts';

describe('ehrgate phi protect', () => {
  it('writes each stdin line protected, in order', async () => {
    const result = await runCli(['phi', 'protect'], {
      input: 'My name is Maria Lopez.\nThe 2 pm slot next Tuesday.\nCall 312-555-0148\n',
    });
    assert.equal(result.code, 0, result.stderr);
    const out = result.stdout.trimEnd().split('\n');
    assert.equal(out.length, 3);
    assert.match(out[0], /^My name is \[NAME_\d+\]\.$/);
    assert.equal(out[1], 'The 2 pm slot next Tuesday.');
    assert.match(out[2], /^Call \[PHONE_\d+\]$/);
  });

  it('writes JSON lines with the spans found, and dates too under --policy strict', async () => {
    const result = await runCli(['phi', 'protect', '--json', '--policy', 'strict'], {
      input: 'next Tuesday with Maria Lopez\n',
    });
    assert.equal(result.code, 0, result.stderr);
    const line = JSON.parse(result.stdout) as {
      text: string;
      spans: Array<{ type: string; start: number; end: number }>;
    };
    assert.deepEqual(
      line.spans.map((s) => s.type),
      ['DATE', 'NAME'],
    );
    assert.ok(!line.text.includes('Tuesday') && !line.text.includes('Lopez'));
  });

  it('rejects an unknown policy with a usage error', async () => {
    const result = await runCli(['phi', 'protect', '--policy', 'lax'], { input: '' });
    assert.equal(result.code, 2);
  });
});
