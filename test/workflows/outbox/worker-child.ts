// Child process for the worker tests: runs one outbox worker on the store at argv[2] until it is
// killed. argv[3] is the mode:
//   echo       handles `test.echo` rows: prints `handled <outboxId>` after a short pause, done;
//   insurance  runs insuranceHandlers() against the Cerner-like sandbox at argv[4], printing
//              `claimed <outboxId>` as each job starts.
// argv[5] is the clock's start (epoch ms): the child's clock runs from there, so rows stamped
// with the tests' fixed date are due.
import { setTimeout as delay } from 'node:timers/promises';
import { createCoverageAdapter } from '../../../src/ehr/index.ts';
import { createFhirClient } from '../../../src/fhir/index.ts';
import { openStore } from '../../../src/store/index.ts';
import { insuranceHandlers } from '../../../src/workflows/insurance/insurance-handlers.ts';
import type { OutboxHandlers } from '../../../src/workflows/outbox/job.ts';
import { createOutboxWorker } from '../../../src/workflows/outbox/worker.ts';

const [url, mode, ehrBase, clockStart] = process.argv.slice(2);
const started = Date.now();
const offset = clockStart === undefined || clockStart === '' ? 0 : Number(clockStart) - started;
const now = () => Date.now() + offset;
const store = await openStore({ url: url as string });

let handlers: OutboxHandlers;
if (mode === 'echo') {
  handlers = new Map([
    [
      'test.echo',
      async (job) => {
        await delay(2);
        process.stdout.write(`handled ${job.outboxId}\n`);
        return { status: 'done' as const };
      },
    ],
  ]);
} else {
  const adapter = createCoverageAdapter({
    vendor: 'cerner',
    fhir: createFhirClient({ baseUrl: ehrBase as string, timeoutMs: 10_000 }),
  });
  const inner = insuranceHandlers({ coverageAdapterFor: () => adapter });
  handlers = new Map(
    [...inner].map(([kind, handler]) => [
      kind,
      (job, context) => {
        process.stdout.write(`claimed ${job.outboxId}\n`);
        return handler(job, context);
      },
    ]),
  );
}

const worker = createOutboxWorker({ store, handlers, now, pollIntervalMs: 10, batchSize: 4 });
worker.start();
process.stdout.write('ready\n');
