// P2 "a crash (kill -9) at any instant loses nothing": every id the writer saw committed must be
// in the store after the writer is SIGKILLed, and every transaction is there whole or not at all.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { storeBackends } from './backends.ts';

const KILL_AFTER_IDS = 300;
const WRITER_DEADLINE_MS = 60_000;

/** Runs the writer until it has printed `count` committed ids, then SIGKILLs it. */
function writeUntilKilled(url: string, count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const script = new URL('./crash-writer.ts', import.meta.url).pathname;
    const child = spawn(process.execPath, [script, url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let buffer = '';
    let stderr = '';
    let killed = false;
    const committed: string[] = [];
    const deadline = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`writer printed ${committed.length} ids in ${WRITER_DEADLINE_MS} ms: ${stderr}`));
    }, WRITER_DEADLINE_MS);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      // The last piece may be a line cut short by the kill: only whole lines count.
      buffer = lines.pop() ?? '';
      committed.push(...lines);
      if (!killed && committed.length >= count) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(deadline);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited early (code ${code}): ${stderr}`));
      else resolve(committed);
    });
  });
}

for (const backend of storeBackends()) {
  describe(`SIGKILL during commits on ${backend.name}`, () => {
    after(() => backend.cleanup());

    it('keeps every row whose commit returned before the kill, and no half transaction', async () => {
      const url = await backend.url();
      // Migrate first, so the writer's start-up is not part of what the kill can interrupt.
      const setup = await backend.open();
      await setup.close();

      const committed = await writeUntilKilled(url, KILL_AFTER_IDS);
      assert.ok(committed.length >= KILL_AFTER_IDS);

      const store = await backend.open();
      const outbox = new Set(
        (await store.db.selectFrom('outbox').select('id').where('tenant_id', '=', 'crash').execute()).map(
          (r) => r.id,
        ),
      );
      const missing = committed.filter((id) => !outbox.has(id));
      assert.deepEqual(missing, [], `${missing.length} committed ids lost`);

      const items = await store.db
        .selectFrom('work_items')
        .select('outbox_id')
        .where('tenant_id', '=', 'crash')
        .execute();
      assert.equal(items.length, outbox.size, 'an outbox row survived without its work item');
      await store.close();
    });
  });
}
