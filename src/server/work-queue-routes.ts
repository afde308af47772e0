// The staff work queue over HTTP (issue 5 item 5):
//
//   GET  /v1/work-items?status=open|claimed|resolved&queue=&limit=   the tenant's items, oldest first
//   GET  /v1/work-items/:id                                            one item with its details
//   POST /v1/work-items/:id/claim    { "staffId": "ana" }              take an open item
//   POST /v1/work-items/:id/resolve  { "staffId": "ana", "resolution": "done" }
//
// Each request is authenticated to one tenant by `Authorization: Bearer <key>`, the key being
// one of that tenant's `channels.http.apiKeys` (DESIGN.md section 9): every query filters on that
// tenant, so a key of tenant A never sees tenant B's items (an id of B's answers 404, as an
// unknown id does). Item details are PHI: they are returned to the authenticated staff client
// and never logged.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { TenantConfig } from '../config/types.ts';
import {
  claimWorkItem,
  DEFAULT_WORK_ITEM_PAGE_SIZE,
  getWorkItem,
  listWorkItems,
  resolveWorkItem,
  type Store,
  type WorkItemRow,
} from '../store/index.ts';
import { openJson } from '../workflows/lib/sealed-json.ts';

export const WORK_ITEMS_PATH = '/v1/work-items';
export const MAX_WORK_ITEM_PAGE_SIZE = 500;

export type WorkQueueRoutesOptions = {
  readonly store: Store;
  readonly tenants: readonly TenantConfig[];
  readonly now?: () => number;
};

/** A work item as staff tools see it; `details` only on the single-item answer. */
export type WorkItemView = {
  readonly id: string;
  readonly kind: string;
  readonly queue: string;
  readonly reason: string;
  readonly status: string;
  readonly callId: string | null;
  readonly outboxId: string | null;
  readonly createdAt: string;
  readonly claimedBy: string | null;
  readonly resolvedBy: string | null;
  readonly resolution: string | null;
  readonly details?: unknown;
};

export function workItemView(row: WorkItemRow, withDetails: boolean): WorkItemView {
  return {
    id: row.id,
    kind: row.kind,
    queue: row.queue,
    reason: row.reason,
    status: row.status,
    callId: row.call_id,
    outboxId: row.outbox_id,
    createdAt: new Date(row.created_at).toISOString(),
    claimedBy: row.claimed_by,
    resolvedBy: row.resolved_by,
    resolution: row.resolution,
    ...(withDetails ? { details: openJson<unknown>(row.details_enc, row.key_id) } : {}),
  };
}

const listQuery = z.strictObject({
  status: z.enum(['open', 'claimed', 'resolved']).optional(),
  queue: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_WORK_ITEM_PAGE_SIZE).optional(),
});
const idParams = z.strictObject({ id: z.string().min(1).max(100) });
const staffId = z.string().trim().min(1).max(100);
const claimBody = z.strictObject({ staffId });
const resolveBody = z.strictObject({
  staffId,
  // A code, as work_items.resolution: 'done', 'not_needed', 'unreachable', ...
  resolution: z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'expected a code such as done or not_needed'),
});

const digest = (key: string) => createHash('sha256').update(key).digest();

function problem(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).send({ error: { code, message } });
}

export function registerWorkQueueRoutes(app: FastifyInstance, options: WorkQueueRoutesOptions): void {
  const { store } = options;
  const now = options.now ?? Date.now;
  // Keys compared as SHA-256 digests in constant time, so timing tells nothing about a key.
  const keys = options.tenants.flatMap((tenant) =>
    (tenant.channels?.http?.apiKeys ?? []).map((key) => ({ tenantId: tenant.id, digest: digest(key) })),
  );

  const tenantOf = (request: FastifyRequest): string | undefined => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (match === null) return undefined;
    const offered = digest(match[1] as string);
    let found: string | undefined;
    for (const key of keys) if (timingSafeEqual(key.digest, offered)) found = key.tenantId;
    return found;
  };

  app.register(async (scope) => {
    scope.decorateRequest('tenantId', '');
    scope.addHook('onRequest', async (request, reply) => {
      const tenantId = tenantOf(request);
      if (tenantId === undefined) {
        reply.header('www-authenticate', 'Bearer realm="ehrgate"');
        return problem(reply, 401, 'unauthorized', 'a valid Authorization: Bearer <api key> is required');
      }
      (request as FastifyRequest & { tenantId: string }).tenantId = tenantId;
    });
    const tenant = (request: FastifyRequest) => (request as FastifyRequest & { tenantId: string }).tenantId;

    scope.get(WORK_ITEMS_PATH, async (request, reply) => {
      const query = listQuery.safeParse(request.query);
      if (!query.success)
        return problem(reply, 400, 'invalid_query', query.error.issues[0]?.message ?? 'bad query');
      const rows = await listWorkItems(store.db, {
        tenantId: tenant(request),
        ...(query.data.status === undefined ? {} : { status: query.data.status }),
        ...(query.data.queue === undefined ? {} : { queue: query.data.queue }),
        limit: query.data.limit ?? DEFAULT_WORK_ITEM_PAGE_SIZE,
      });
      return { items: rows.map((row) => workItemView(row, false)) };
    });

    scope.get(`${WORK_ITEMS_PATH}/:id`, async (request, reply) => {
      const params = idParams.safeParse(request.params);
      if (!params.success) return problem(reply, 404, 'not_found', 'no such work item');
      const row = await getWorkItem(store.db, tenant(request), params.data.id);
      if (row === undefined) return problem(reply, 404, 'not_found', 'no such work item');
      return workItemView(row, true);
    });

    scope.post(`${WORK_ITEMS_PATH}/:id/claim`, async (request, reply) => {
      const params = idParams.safeParse(request.params);
      const body = claimBody.safeParse(request.body);
      if (!params.success) return problem(reply, 404, 'not_found', 'no such work item');
      if (!body.success) return problem(reply, 400, 'invalid_body', 'expected { "staffId": "..." }');
      const claimed = await claimWorkItem(store.db, {
        tenantId: tenant(request),
        id: params.data.id,
        staffId: body.data.staffId,
        now: now(),
      });
      if (claimed !== undefined) return workItemView(claimed, false);
      const row = await getWorkItem(store.db, tenant(request), params.data.id);
      if (row === undefined) return problem(reply, 404, 'not_found', 'no such work item');
      return problem(
        reply,
        409,
        'not_open',
        `the item is ${row.status}${row.claimed_by ? ` by ${row.claimed_by}` : ''}`,
      );
    });

    scope.post(`${WORK_ITEMS_PATH}/:id/resolve`, async (request, reply) => {
      const params = idParams.safeParse(request.params);
      const body = resolveBody.safeParse(request.body);
      if (!params.success) return problem(reply, 404, 'not_found', 'no such work item');
      if (!body.success) {
        return problem(
          reply,
          400,
          'invalid_body',
          body.error.issues[0]?.message ?? 'expected { staffId, resolution }',
        );
      }
      const resolved = await resolveWorkItem(store.db, {
        tenantId: tenant(request),
        id: params.data.id,
        staffId: body.data.staffId,
        resolution: body.data.resolution,
        now: now(),
      });
      if (resolved !== undefined) return workItemView(resolved, false);
      const row = await getWorkItem(store.db, tenant(request), params.data.id);
      if (row === undefined) return problem(reply, 404, 'not_found', 'no such work item');
      return problem(
        reply,
        409,
        'not_resolvable',
        `the item is ${row.status}${row.claimed_by ? ` by ${row.claimed_by}` : ''}`,
      );
    });
  });
}
