// Child process for crash.test.ts: opens the store at argv[2] and commits forever, printing each
// outbox id on its own line only after the commit that wrote it has returned. The parent kills
// it with SIGKILL at an arbitrary instant.
import { openStore } from '../../src/store/open-store.ts';
import { enqueueOutbox } from '../../src/store/outbox.ts';
import { createWorkItem } from '../../src/store/work-items.ts';

const store = await openStore({ url: process.argv[2] });
for (let i = 0; ; i++) {
  const id = `crash-${process.pid}-${i}`;
  // Two rows per transaction, so a kill can land between them: the pair must survive whole or not at all.
  await store.withTransaction(async (tx) => {
    await enqueueOutbox(tx, {
      id,
      tenantId: 'crash',
      kind: 'appointment.book',
      idempotencyKey: id,
      payloadEnc: 'x'.repeat(200),
      keyId: null,
    });
    await createWorkItem(tx, {
      id: `wi-${id}`,
      tenantId: 'crash',
      outboxId: id,
      kind: 'appointment.book',
      queue: 'scheduling',
      reason: 'crash_test',
      detailsEnc: 'y'.repeat(200),
      keyId: null,
    });
  });
  process.stdout.write(`${id}\n`);
}
