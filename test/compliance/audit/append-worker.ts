// A second process writing the audit chain: appends COUNT records to the store at URL, in
// bursts, then exits 0. Used by audit-chain.test.ts to race real processes for the next seq.
import { createAuditAppender } from '../../../src/compliance/audit/index.ts';
import { openStore } from '../../../src/store/index.ts';

const [url, countText, actor] = process.argv.slice(2);
const store = await openStore({ url });
try {
  const appender = createAuditAppender({ store, batchMaxRecords: 4 });
  const count = Number(countText);
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      appender.append({
        tenantId: 'riverside',
        actor: actor ?? 'worker',
        action: 'ehr.read',
        target: `Slot/${i}`,
      }),
    ),
  );
} finally {
  await store.close();
}
