// `ehrgate queue list|show|resolve`: the staff work queue from a terminal, working directly on
// the store the gateway uses (the configuration's store, else DATABASE_URL, else the SQLite
// file under --data-dir, as `serve` opens it). Item details are PHI: `show` prints them to the
// operator's terminal only, as the HTTP API does to an authenticated staff client.
import { loadDataKeyring, useDataKeyring } from '../compliance/encryption/index.ts';
import { DEFAULT_TENANT_ID, loadConfig } from '../config/index.ts';
import { EhrgateError } from '../errors.ts';
import { workItemView } from '../server/work-queue-routes.ts';
import {
  getWorkItem,
  listWorkItems,
  openStore,
  resolveWorkItem,
  type Store,
  type WorkItemStatus,
} from '../store/index.ts';

export type QueueOptions = { config?: string; dataDir?: string; tenant?: string; json?: boolean };
export type QueueListOptions = QueueOptions & { status?: string; queue?: string; limit?: number };
export type QueueResolveOptions = QueueOptions & { staff: string; resolution: string };

const STATUSES: readonly WorkItemStatus[] = ['open', 'claimed', 'resolved'];

async function withStore<T>(
  options: QueueOptions,
  fn: (store: Store, tenantId: string) => Promise<T>,
): Promise<T> {
  const configPath = options.config ?? process.env.EHRGATE_CONFIG;
  let url = process.env.DATABASE_URL;
  let tenantId = options.tenant;
  if (configPath) {
    const config = await loadConfig({ path: configPath });
    url = config.store.url;
    if (tenantId === undefined) {
      if (config.tenants.length !== 1) {
        throw new EhrgateError(
          'ERR_CONFIG_INVALID',
          `--tenant is required: ${configPath} has tenants ${config.tenants.map((t) => t.id).join(', ')}`,
        );
      }
      tenantId = config.tenants[0]?.id;
    } else if (!config.tenants.some((t) => t.id === tenantId)) {
      throw new EhrgateError('ERR_CONFIG_INVALID', `--tenant: no tenant "${tenantId}" in ${configPath}`);
    }
  }
  // Sealed PHI columns open with the gateway's data keys; none are generated here.
  useDataKeyring((await loadDataKeyring({ dataDir: options.dataDir, generate: false })).keyring);
  const store = await openStore({ url, dataDir: options.dataDir });
  try {
    return await fn(store, tenantId ?? DEFAULT_TENANT_ID);
  } finally {
    await store.close();
  }
}

function age(createdAt: number): string {
  const minutes = Math.max(0, Math.round((Date.now() - createdAt) / 60_000));
  return minutes < 120 ? `${minutes}m` : `${Math.round(minutes / 60)}h`;
}

export async function queueListCommand(options: QueueListOptions): Promise<void> {
  if (options.status !== undefined && !STATUSES.includes(options.status as WorkItemStatus)) {
    throw new EhrgateError('ERR_INVALID_INPUT', `--status: expected one of ${STATUSES.join(', ')}`);
  }
  await withStore(options, async (store, tenantId) => {
    const rows = await listWorkItems(store.db, {
      tenantId,
      status: (options.status as WorkItemStatus | undefined) ?? ['open', 'claimed'],
      ...(options.queue === undefined ? {} : { queue: options.queue }),
      ...(options.limit === undefined ? {} : { limit: options.limit }),
    });
    if (options.json) {
      process.stdout.write(
        `${JSON.stringify(
          rows.map((row) => workItemView(row, false)),
          null,
          2,
        )}\n`,
      );
      return;
    }
    if (rows.length === 0) {
      process.stdout.write(`no ${options.status ?? 'open or claimed'} work items for tenant ${tenantId}\n`);
      return;
    }
    for (const row of rows) {
      const who = row.claimed_by === null ? '' : ` (${row.claimed_by})`;
      process.stdout.write(
        `${row.id}  ${row.status}${who}  ${row.queue}  ${row.kind}  ${row.reason}  ${age(row.created_at)} ago\n`,
      );
    }
  });
}

export async function queueShowCommand(id: string, options: QueueOptions): Promise<void> {
  await withStore(options, async (store, tenantId) => {
    const row = await getWorkItem(store.db, tenantId, id);
    if (row === undefined)
      throw new EhrgateError('ERR_INVALID_INPUT', `no work item ${id} for tenant ${tenantId}`);
    process.stdout.write(`${JSON.stringify(workItemView(row, true), null, 2)}\n`);
  });
}

export async function queueResolveCommand(id: string, options: QueueResolveOptions): Promise<void> {
  if (!/^[a-z][a-z0-9_-]{0,63}$/.test(options.resolution)) {
    throw new EhrgateError('ERR_INVALID_INPUT', '--resolution: expected a code such as done or not_needed');
  }
  await withStore(options, async (store, tenantId) => {
    const resolved = await resolveWorkItem(store.db, {
      tenantId,
      id,
      staffId: options.staff,
      resolution: options.resolution,
    });
    if (resolved === undefined) {
      const row = await getWorkItem(store.db, tenantId, id);
      throw new EhrgateError(
        'ERR_INVALID_INPUT',
        row === undefined
          ? `no work item ${id} for tenant ${tenantId}`
          : `work item ${id} is ${row.status}${row.claimed_by ? ` by ${row.claimed_by}` : ''}`,
      );
    }
    process.stdout.write(`resolved ${id} (${options.resolution}) by ${options.staff}\n`);
  });
}
