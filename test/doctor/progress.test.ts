// The live progress display (issue 8): a spinner redrawn in place on a terminal, then the
// outcome and duration on the same line; plain lines without control codes elsewhere (CI).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { createProgress } from '../../src/doctor/index.ts';
import type { CheckResult } from '../../src/doctor/types.ts';

const ESC = '\u001b';

function recorder(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, columns: 60, write: (chunk: string) => chunks.push(chunk) } };
}

const result: CheckResult = {
  id: 'reachability',
  title: 'Reachability and TLS',
  status: 'warn',
  summary: 'answered GET /metadata, p50 1200 ms',
  findings: [],
  tables: [],
  durationMs: 6012,
};

describe('doctor progress', () => {
  it('spins on a terminal while a check runs, then prints its outcome and duration in place', async () => {
    const { chunks, stream } = recorder(true);
    const progress = createProgress(stream);
    progress.start(result);
    await delay(200);
    progress.finish(result);
    const after = chunks.length;
    await delay(120);
    progress.close();

    const frames = chunks.slice(0, -1);
    assert.ok(frames.length >= 2, 'the spinner is redrawn while the check runs');
    assert.ok(frames.every((c) => c.startsWith(`\r${ESC}[2K`) && c.includes('Reachability and TLS')));
    assert.notEqual(frames[0], frames[1], 'the spinner moves');
    const last = chunks[after - 1];
    assert.ok(last.startsWith(`\r${ESC}[2K`));
    assert.ok(last.includes('! warn'), last);
    assert.ok(last.includes('(6012 ms)') && last.endsWith('answered GET /metadata, p50 1200 ms\n'), last);
    assert.equal(chunks.length, after, 'nothing is drawn after the check finished');
  });

  it('prints one plain line per finished check when not on a terminal', () => {
    const { chunks, stream } = recorder(false);
    const progress = createProgress(stream);
    progress.start(result);
    progress.finish(result);
    progress.close();

    assert.deepEqual(chunks, ['WARN  Reachability and TLS (6012 ms): answered GET /metadata, p50 1200 ms\n']);
  });
});
