// mountFhirPersonality: the shared FHIR REST routes (R4 http.html) under a personality's prefix,
// with its rules. Every personality gets the same store, the same fault injection and stats
// (root hooks in server.ts) and one authorization hook per request.
//
//   GET    [base]/metadata                      capabilities (CapabilityStatement)
//   GET    [base]/.well-known/smart-configuration
//   GET    [base]/:type            POST [base]/:type/_search      search
//   POST   [base]/:type                         create (If-None-Exist when conditionalCreate)
//   GET    [base]/:type/:id                     read (ETag, Last-Modified; 410 once deleted)
//   GET    [base]/:type/:id/_history/:vid       vread
//   PUT    [base]/:type/:id                     update (If-Match; update-as-create)
//   PATCH  [base]/:type/:id                     JSON Patch (If-Match)
//   DELETE [base]/:type/:id                     delete
//   plus the personality's operation routes (Epic's $find/$book and the like).

import { parse as parseQueryString } from 'node:querystring';
import type { Reference, Resource } from '@medplum/fhirtypes';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { buildCapabilityStatement } from './capability-statement.ts';
import type { FhirStore, PatchOperation, StoredResource } from './fhir-store.ts';
import { VersionConflictError } from './fhir-store.ts';
import type { FhirOutcomeError } from './lib/outcome.ts';
import { fhirError, issue, outcome, toFhirOutcomeError } from './lib/outcome.ts';
import type {
  AuthorizeHook,
  AuthorizeInteraction,
  FhirInteraction,
  FhirPersonality,
  FhirReply,
  InteractionContext,
} from './personality.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './personality.ts';
import { slotIdOf } from './scheduling/slots.ts';
import {
  ACK_NOT_PERSISTED_FAULT,
  holdCommittedWrite,
  isFaultActive,
  patchedCopy,
  SLOT_TAKEN_FAULT,
  takeSlotsByPortal,
  unpersisted,
} from './scheduling/write-faults.ts';
import type { SearchQuery } from './search.ts';
import { buildSearchBundle, encodeBundle } from './search-bundle.ts';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const JSON_PATCH = 'application/json-patch+json';

export interface MountOptions {
  readonly store: FhirStore;
  /** See AuthorizeHook; absent means every request is allowed. */
  readonly authorize?: AuthorizeHook;
  /** Clock for Bundle.meta.lastUpdated and CapabilityStatement.date. */
  readonly now?: () => Date;
}

interface RouteConfig {
  readonly interaction?: AuthorizeInteraction;
  readonly operation?: string;
  readonly resourceType?: string;
}

type Prefer = 'minimal' | 'representation' | 'OperationOutcome';

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** `Prefer: return=...` (R4 http.html#ops); representation unless asked otherwise. */
function preferReturn(request: FastifyRequest): Prefer {
  const match = /return\s*=\s*(minimal|representation|OperationOutcome)/i.exec(
    header(request, 'prefer') ?? '',
  );
  if (match === null) return 'representation';
  const value = match[1].toLowerCase();
  return value === 'minimal'
    ? 'minimal'
    : value === 'operationoutcome'
      ? 'OperationOutcome'
      : 'representation';
}

/** The version inside `If-Match: W/"3"` (R4 http.html#concurrency), `*`, or undefined when absent. */
function ifMatchOf(request: FastifyRequest): string | undefined {
  const raw = header(request, 'if-match');
  if (raw === undefined) return undefined;
  if (raw.trim() === '*') return '*';
  const match = /^\s*(?:W\/)?"([^"]*)"\s*$/.exec(raw);
  if (match === null) throw fhirError(400, 'invalid', `If-Match must be an ETag such as W/"3", got '${raw}'`);
  return match[1];
}

function resourceBody(body: unknown, resourceType: string): Resource {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw fhirError(400, 'invalid', `the body must be a ${resourceType} resource in JSON`);
  }
  const type = (body as { resourceType?: unknown }).resourceType;
  if (type !== resourceType) {
    throw fhirError(400, 'invalid', `the body is a ${String(type)}, the URL names ${resourceType}`, {
      expression: 'resourceType',
    });
  }
  return body as Resource;
}

function patchBody(request: FastifyRequest): PatchOperation[] {
  const contentType = header(request, 'content-type') ?? '';
  if (!contentType.toLowerCase().startsWith(JSON_PATCH)) {
    throw fhirError(415, 'not-supported', `PATCH takes ${JSON_PATCH} (FHIRPath Patch is not supported)`);
  }
  const body = request.body;
  const valid =
    Array.isArray(body) &&
    body.every(
      (op) =>
        typeof op === 'object' && op !== null && typeof op.op === 'string' && typeof op.path === 'string',
    );
  if (!valid) {
    throw fhirError(400, 'invalid', 'a JSON Patch is an array of {op, path, ...} objects (RFC 6902)');
  }
  return body as PatchOperation[];
}

function searchQuery(request: FastifyRequest): SearchQuery {
  const query = (request.query ?? {}) as SearchQuery;
  if (request.method !== 'POST') return query;
  // R4 search.html#Search: POST [base]/[type]/_search with form parameters; URL ones also count.
  const body = (request.body ?? {}) as SearchQuery;
  const merged: Record<string, string[]> = {};
  for (const source of [query, body]) {
    for (const [key, value] of Object.entries(source)) {
      if (value === undefined) continue;
      merged[key] = [...(merged[key] ?? []), ...(typeof value === 'string' ? [value] : value)];
    }
  }
  return merged;
}

/** Slot ids an Appointment body refers to (`Slot/123`). */
function slotIdsOf(resource: Resource): string[] {
  const slots = (resource as { slot?: Reference[] }).slot ?? [];
  return slots.flatMap((s) => slotIdOf(s) ?? []);
}

function sendResource(
  reply: FastifyReply,
  status: number,
  resource: StoredResource,
  prefer: Prefer,
  headers: Record<string, string> = {},
): FastifyReply {
  reply
    .code(status)
    .header('etag', `W/"${resource.meta.versionId}"`)
    .header('last-modified', new Date(resource.meta.lastUpdated).toUTCString());
  for (const [name, value] of Object.entries(headers)) reply.header(name, value);
  if (prefer === 'minimal') return reply.send();
  reply.type(FHIR_JSON);
  if (prefer === 'OperationOutcome') {
    return reply.send(
      outcome(
        issue('informational', `${resource.resourceType}/${resource.id} version ${resource.meta.versionId}`, {
          severity: 'information',
        }),
      ),
    );
  }
  return reply.send(resource);
}

export async function mountFhirPersonality(
  app: FastifyInstance,
  personality: FhirPersonality,
  options: MountOptions,
): Promise<void> {
  const { store, authorize } = options;
  const now = options.now ?? (() => new Date());
  const rules = personality.rules ?? {};
  const defaultCount = rules.defaultPageSize ?? DEFAULT_PAGE_SIZE;
  const maxCount = rules.maxPageSize ?? MAX_PAGE_SIZE;
  // PersonalityRules.firstVersionId: store versions start at 1, Cerner's at 0.
  const versionShift = 1 - (rules.firstVersionId ?? 1);
  const clientVersion = (versionId: string): string => String(Number(versionId) - versionShift);
  const storeVersion = (versionId: string | undefined): string | undefined =>
    versionId === undefined || versionId === '*' || versionShift === 0
      ? versionId
      : String(Number(versionId) + versionShift);
  const present = <T extends StoredResource>(resource: T): T =>
    versionShift === 0
      ? resource
      : { ...resource, meta: { ...resource.meta, versionId: clientVersion(resource.meta.versionId) } };
  const send = (
    reply: FastifyReply,
    status: number,
    resource: StoredResource,
    prefer: Prefer,
    headers: Record<string, string> = {},
  ): FastifyReply => sendResource(reply, status, present(resource), prefer, headers);
  const locationOf = (baseUrl: string, resource: StoredResource): string =>
    `${baseUrl}/${resource.resourceType}/${resource.id}/_history/${clientVersion(resource.meta.versionId)}`;
  const sendReply = (reply: FastifyReply, result: FhirReply): FastifyReply => {
    for (const [name, value] of Object.entries(result.headers ?? {})) reply.header(name, value);
    reply.code(result.status);
    if (result.body === undefined) return reply.send();
    if (!reply.hasHeader('content-type')) reply.type(FHIR_JSON);
    return reply.send(result.body);
  };

  const baseUrlOf = (request: FastifyRequest): string => {
    const params = request.params as Record<string, string | undefined>;
    const path = personality.prefix.replace(/:([A-Za-z_]+)/g, (_, name: string) =>
      encodeURIComponent(params[name] ?? ''),
    );
    return `${request.protocol}://${request.host}${path}`;
  };

  const sendError = (reply: FastifyReply, error: FhirOutcomeError): FastifyReply => {
    const status = error instanceof VersionConflictError ? (rules.staleVersionStatus ?? 412) : error.status;
    for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
    return reply.code(status).type(FHIR_JSON).send(error.outcome);
  };

  const checkIfMatch = (interaction: 'update' | 'patch', request: FastifyRequest): string | undefined => {
    const ifMatch = storeVersion(ifMatchOf(request));
    if (ifMatch === undefined && rules.requireIfMatch?.includes(interaction)) {
      throw fhirError(
        rules.missingIfMatchStatus ?? 412,
        'invalid',
        `${interaction} requires an If-Match header`,
      );
    }
    return ifMatch;
  };

  /** Wraps a CRUD handler: resource type and interaction support, then the personality's rules. */
  const crud =
    (
      interaction: FhirInteraction,
      handler: (context: InteractionContext, reply: FastifyReply) => Promise<FastifyReply>,
    ) =>
    async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      const { resourceType, id } = request.params as { resourceType: string; id?: string };
      const support = personality.resources[resourceType];
      if (support === undefined) {
        throw fhirError(
          404,
          'not-supported',
          `resource type '${resourceType}' is not served at this endpoint`,
        );
      }
      if (!support.interactions.includes(interaction)) {
        throw fhirError(405, 'not-supported', `${interaction} is not supported for ${resourceType}`);
      }
      const context: InteractionContext = {
        request,
        personality,
        interaction,
        resourceType,
        id,
        store,
        baseUrl: baseUrlOf(request),
      };
      await rules.beforeInteraction?.(context);
      const handled = await rules.handle?.(context);
      if (handled !== undefined) return sendReply(reply, handled);
      return handler(context, reply);
    };

  /**
   * The slot-taken fault on the shared write routes (scheduling/write-faults.ts): a portal booking
   * takes the slot of an Appointment being created (and the server, which checks slots, answers
   * 409) or the Slot being updated (an If-Match then finds a newer version: 412).
   */
  const genericSlotTaken = async (context: InteractionContext, sent: Resource | undefined): Promise<void> => {
    if (!isFaultActive(context.request, SLOT_TAKEN_FAULT)) return;
    if (context.resourceType === 'Slot' && context.id !== undefined) {
      await takeSlotsByPortal(store, [context.id]);
      return;
    }
    if (context.resourceType !== 'Appointment' || sent === undefined) return;
    const slotIds = slotIdsOf(sent);
    await takeSlotsByPortal(store, slotIds);
    if (slotIds.length > 0) {
      throw fhirError(409, 'conflict', `Slot/${slotIds[0]} is no longer free: it was booked by another user`);
    }
  };

  const prepared = async (context: InteractionContext, resource: Resource): Promise<Resource> =>
    rules.prepareWrite === undefined ? resource : rules.prepareWrite(context, resource);

  const config = (interaction: AuthorizeInteraction, extra: Omit<RouteConfig, 'interaction'> = {}) => ({
    config: { interaction, ...extra } satisfies RouteConfig,
  });

  await app.register(
    async (scope) => {
      scope.addContentTypeParser(
        ['application/fhir+json', JSON_PATCH],
        { parseAs: 'string' },
        scope.getDefaultJsonParser('error', 'error'),
      );
      scope.addContentTypeParser(
        'application/x-www-form-urlencoded',
        { parseAs: 'string' },
        (_request, body, done) => {
          done(null, parseQueryString(body as string));
        },
      );
      scope.setErrorHandler((error, _request, reply) => sendError(reply, toFhirOutcomeError(error)));
      // The commit-then-timeout fault (scheduling/write-faults.ts): a stored write is never answered.
      scope.addHook('onSend', holdCommittedWrite);
      scope.setNotFoundHandler((request, reply) =>
        sendError(
          reply,
          fhirError(404, 'not-found', `no FHIR route for ${request.method} ${request.url.split('?')[0]}`),
        ),
      );

      // THE AUTH HOOK (see AuthorizeHook): once per FHIR request, before the body is parsed.
      scope.addHook('onRequest', async (request, reply) => {
        const routeConfig = request.routeOptions.config as RouteConfig;
        if (authorize === undefined || routeConfig.interaction === undefined) return undefined;
        const params = request.params as Record<string, string | undefined>;
        const decision = await authorize(request, {
          personality: personality.name,
          resourceType: routeConfig.resourceType ?? params.resourceType,
          interaction: routeConfig.interaction,
          ...(routeConfig.operation === undefined ? {} : { operation: routeConfig.operation }),
          method: request.method,
        });
        if (decision.ok) return undefined;
        for (const [name, value] of Object.entries(decision.headers ?? {})) reply.header(name, value);
        if (typeof decision.body === 'object' && decision.body !== null && !reply.hasHeader('content-type')) {
          reply.type(FHIR_JSON);
        }
        return reply.code(decision.status).send(decision.body);
      });

      scope.get('/metadata', config('capabilities'), async (request, reply) => {
        const generated = buildCapabilityStatement(personality, baseUrlOf(request), now());
        return reply.type(FHIR_JSON).send(personality.capabilityStatement?.(generated) ?? generated);
      });

      const smartConfiguration = personality.smartConfiguration;
      if (smartConfiguration !== undefined) {
        // SMART App Launch 2.0 conformance.html: public, served as application/json.
        scope.get('/.well-known/smart-configuration', async (request, reply) =>
          reply.type('application/json; charset=utf-8').send(smartConfiguration(baseUrlOf(request))),
        );
      }

      for (const operation of personality.operations ?? []) {
        scope.route({
          method: operation.method,
          url: `/${operation.path}`,
          ...config('operation', { operation: operation.name, resourceType: operation.resourceType }),
          handler: async (request, reply) => {
            const result = await operation.handler({
              request,
              store,
              baseUrl: baseUrlOf(request),
              personality,
            });
            return sendReply(reply, result);
          },
        });
      }

      const searchHandler = crud('search', async (context, reply) => {
        const { request, resourceType } = context;
        const searchParams = personality.resources[resourceType].searchParams;
        const page = store.search(resourceType, searchQuery(request), {
          ...(searchParams === undefined ? {} : { allowedParams: new Set(searchParams) }),
          defaultCount,
          maxCount,
          lenient: /handling\s*=\s*lenient/i.test(header(request, 'prefer') ?? ''),
        });
        const shown =
          versionShift === 0
            ? page
            : {
                ...page,
                matches: page.matches.map((r) => present(r as StoredResource)),
                included: page.included.map((r) => present(r as StoredResource)),
              };
        const bundle = buildSearchBundle(context.baseUrl, resourceType, shown, {
          id: crypto.randomUUID(),
          now: now(),
        });
        return reply.code(200).type(FHIR_JSON).send(encodeBundle(bundle));
      });
      scope.get('/:resourceType', config('search'), searchHandler);
      scope.post('/:resourceType/_search', config('search'), searchHandler);

      scope.post(
        '/:resourceType',
        config('create'),
        crud('create', async (context, reply) => {
          const sent = resourceBody(context.request.body, context.resourceType);
          await genericSlotTaken(context, sent);
          const body = await prepared(context, sent);
          if (isFaultActive(context.request, ACK_NOT_PERSISTED_FAULT)) {
            const resource = unpersisted(body);
            return send(reply, 201, resource, preferReturn(context.request), {
              location: locationOf(context.baseUrl, resource),
            });
          }
          const ifNoneExist = personality.conditionalCreate
            ? header(context.request, 'if-none-exist')
            : undefined;
          const result = await store.create(body, ifNoneExist === undefined ? {} : { ifNoneExist });
          const { resource } = result;
          return send(reply, result.created ? 201 : 200, resource, preferReturn(context.request), {
            location: locationOf(context.baseUrl, resource),
          });
        }),
      );

      scope.get(
        '/:resourceType/:id',
        config('read'),
        crud('read', async (context, reply) =>
          send(reply, 200, store.read(context.resourceType, context.id as string), 'representation'),
        ),
      );

      scope.get(
        '/:resourceType/:id/_history/:vid',
        config('vread'),
        crud('vread', async (context, reply) => {
          const { vid } = context.request.params as { vid: string };
          const resource = await store.vread(
            context.resourceType,
            context.id as string,
            storeVersion(vid) ?? vid,
          );
          return send(reply, 200, resource, 'representation');
        }),
      );

      scope.put(
        '/:resourceType/:id',
        config('update'),
        crud('update', async (context, reply) => {
          const ifMatch = checkIfMatch('update', context.request);
          await genericSlotTaken(context, undefined);
          const body = await prepared(context, resourceBody(context.request.body, context.resourceType));
          if (isFaultActive(context.request, ACK_NOT_PERSISTED_FAULT)) {
            const existing = store.get(context.resourceType, context.id as string) as
              | StoredResource
              | undefined;
            const resource = unpersisted(body, {
              id: context.id as string,
              ...(existing === undefined ? {} : { previousVersionId: existing.meta.versionId }),
            });
            return send(reply, existing === undefined ? 201 : 200, resource, preferReturn(context.request));
          }
          const result = await store.update(
            context.resourceType,
            context.id as string,
            body,
            ifMatch === undefined ? {} : { ifMatch },
          );
          const { resource } = result;
          const headers: Record<string, string> = result.created
            ? { location: locationOf(context.baseUrl, resource) }
            : {};
          return send(reply, result.created ? 201 : 200, resource, preferReturn(context.request), headers);
        }),
      );

      scope.patch(
        '/:resourceType/:id',
        config('patch'),
        crud('patch', async (context, reply) => {
          const ifMatch = checkIfMatch('patch', context.request);
          const operations = patchBody(context.request);
          await genericSlotTaken(context, undefined);
          if (isFaultActive(context.request, ACK_NOT_PERSISTED_FAULT)) {
            const existing = store.read(context.resourceType, context.id as string);
            const resource = unpersisted(patchedCopy(existing, operations), {
              id: existing.id,
              previousVersionId: existing.meta.versionId,
            });
            return send(reply, 200, resource, preferReturn(context.request));
          }
          const resource = await store.patch(
            context.resourceType,
            context.id as string,
            operations,
            ifMatch === undefined ? {} : { ifMatch },
          );
          return send(reply, 200, resource, preferReturn(context.request));
        }),
      );

      scope.delete(
        '/:resourceType/:id',
        config('delete'),
        crud('delete', async (context, reply) => {
          await store.delete(context.resourceType, context.id as string);
          return reply.code(204).send();
        }),
      );
    },
    { prefix: personality.prefix },
  );
}
