// The thread that owns the node:sqlite connection when the store runs it off the event loop
// (sqlite-host.ts starts it): requests come as messages, answers go back in order.
import { parentPort, workerData } from 'node:worker_threads';
import {
  createSqliteExecutor,
  openSqliteDatabase,
  type SqliteOpenOptions,
  type SqliteRequest,
  serializeSqliteError,
} from './sqlite-executor.ts';

try {
  const execute = createSqliteExecutor(openSqliteDatabase(workerData as SqliteOpenOptions));
  parentPort!.on('message', (request: SqliteRequest) => parentPort!.postMessage(execute(request)));
  parentPort!.postMessage({ id: 0 });
} catch (error) {
  parentPort!.postMessage({ id: 0, error: serializeSqliteError(error) });
}
