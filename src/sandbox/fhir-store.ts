// The sandbox's FHIR resource store: @medplum/fhir-router's MemoryRepository keeps every version
// (vread), this wrapper adds what a real server does and MemoryRepository does not: validation on
// every write, integer version ids with optimistic locking (If-Match), conditional create
// (If-None-Exist), JSON Patch, tombstones (410 Gone) and strict search (search.ts).
//
// Resources handed out (read, search, write results) are the stored objects themselves, deeply
// frozen: no copy per read, and nobody can change the store behind its back.
//
// Every write runs synchronously from its checks (If-Match, If-None-Exist, validation) to the
// moment the new version is the current one; the only await comes after, while MemoryRepository
// copies it into the history. Two concurrent requests can therefore never both pass the same
// check: the Node event loop is the lock (fhir-store.test.ts races them).

import { isResourceType } from '@medplum/core';
import { MemoryRepository } from '@medplum/fhir-router';
import type { Resource } from '@medplum/fhirtypes';
import { applyPatch } from 'rfc6902';
import { FhirOutcomeError, fhirError, issue, outcome } from './lib/outcome.ts';
import type { ResourceChange, ResourceSource, SearchPage, SearchQuery, SearchSettings } from './search.ts';
import { matchAll, search } from './search.ts';
import { assertValidResource } from './validate.ts';

/** A stored resource always has an id and a version. */
export type StoredResource<T extends Resource = Resource> = T & {
  id: string;
  meta: { versionId: string; lastUpdated: string };
};

export interface FhirStoreOptions {
  /** The store's clock, for `meta.lastUpdated`; tests pin it. Default: `() => new Date()`. */
  readonly now?: () => Date;
  /** Server-assigned ids. Default: `crypto.randomUUID`. */
  readonly generateId?: () => string;
}

export interface WriteOptions {
  /** The version the client last saw (the value inside `If-Match: W/"3"`), or `*`. */
  readonly ifMatch?: string;
}

export interface CreateOptions {
  /** `If-None-Exist` query (FHIR R4 http.html#ccreate), e.g. `identifier=urn:x|1`. */
  readonly ifNoneExist?: string;
}

export interface WriteResult<T extends Resource = Resource> {
  readonly resource: StoredResource<T>;
  /** False when a conditional create found the resource already there (200, not 201). */
  readonly created: boolean;
}

/** A JSON Patch operation (RFC 6902). */
export interface PatchOperation {
  readonly op: string;
  readonly path: string;
  readonly value?: unknown;
  readonly from?: string;
}

/**
 * If-Match named a version that is not the current one. FHIR R4 http.html#concurrency answers
 * 412; a personality may answer differently (Cerner documents 409 for a stale version), so it
 * is a distinct class it can recognise.
 */
export class VersionConflictError extends FhirOutcomeError {
  readonly currentVersionId: string;

  constructor(resourceType: string, id: string, expected: string, current: string) {
    super(
      412,
      outcome(
        issue('conflict', `${resourceType}/${id} is at version ${current}, not ${expected} (If-Match)`, {
          expression: `${resourceType}.meta.versionId`,
        }),
      ),
    );
    this.currentVersionId = current;
  }
}

const ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;

/**
 * Writes remembered per type for search.ts to carry its tables over to the next generation
 * (a booking changes one Slot, not the order of the others); older ones mean a rebuild.
 */
const MAX_LOGGED_CHANGES = 64;

function key(resourceType: string, id: string): string {
  return `${resourceType}/${id}`;
}

export class FhirStore implements ResourceSource {
  readonly #repo = new MemoryRepository();
  readonly #current = new Map<string, Map<string, StoredResource>>();
  /** Highest version ever issued per resource, so a re-created resource continues its history. */
  readonly #versions = new Map<string, number>();
  readonly #deleted = new Set<string>();
  readonly #generations = new Map<string, number>();
  /** Per type, the latest writes in order, each with the generation it started. */
  readonly #changes = new Map<string, (ResourceChange & { generation: number })[]>();
  readonly #now: () => Date;
  readonly #generateId: () => string;

  constructor(options: FhirStoreOptions = {}) {
    this.#now = options.now ?? (() => new Date());
    this.#generateId = options.generateId ?? (() => crypto.randomUUID());
  }

  // --- ResourceSource (search.ts reads the live objects; nothing outside this file mutates them)

  all(resourceType: string): Iterable<Resource> {
    return this.#current.get(resourceType)?.values() ?? [];
  }

  get(resourceType: string, id: string): Resource | undefined {
    return this.#current.get(resourceType)?.get(id);
  }

  generation(resourceType: string): number {
    return this.#generations.get(resourceType) ?? 0;
  }

  changesSince(resourceType: string, generation: number): readonly ResourceChange[] | undefined {
    if (generation === this.generation(resourceType)) return [];
    const log = this.#changes.get(resourceType) ?? [];
    if (log.length === 0 || log[0].generation > generation + 1) return undefined;
    return log.filter((change) => change.generation > generation);
  }

  // --- reads

  /** Number of current (not deleted) resources of a type. */
  count(resourceType: string): number {
    return this.#current.get(resourceType)?.size ?? 0;
  }

  /** The current version; 404 if never created, 410 if deleted (R4 http.html#read). */
  read<T extends Resource = Resource>(resourceType: string, id: string): StoredResource<T> {
    return this.#currentOrThrow(resourceType, id) as StoredResource<T>;
  }

  async vread<T extends Resource = Resource>(
    resourceType: string,
    id: string,
    versionId: string,
  ): Promise<StoredResource<T>> {
    try {
      return (await this.#repo.readVersion(resourceType, id, versionId)) as StoredResource<T>;
    } catch {
      throw fhirError(404, 'not-found', `${key(resourceType, id)} has no version ${versionId}`);
    }
  }

  search(resourceType: string, query: SearchQuery, settings: SearchSettings): SearchPage {
    this.#assertType(resourceType);
    return search(this, resourceType, query, settings);
  }

  // --- writes

  async create<T extends Resource>(resource: T, options: CreateOptions = {}): Promise<WriteResult<T>> {
    this.#assertType(resource.resourceType);
    if (options.ifNoneExist !== undefined) {
      const query = Object.fromEntries(groupParams(new URLSearchParams(options.ifNoneExist)));
      const found = matchAll(this, resource.resourceType, query, { defaultCount: 2, maxCount: 2 });
      if (found.length === 1) return { resource: found[0] as StoredResource<T>, created: false };
      if (found.length > 1) {
        // R4 http.html#ccreate: "Multiple matches: The server returns a 412 Precondition Failed error".
        throw fhirError(
          412,
          'multiple-matches',
          `If-None-Exist '${options.ifNoneExist}' matched ${found.length} resources`,
        );
      }
    }
    const id = this.#generateId();
    return { resource: await this.#put(resource, id), created: true };
  }

  /**
   * Update (R4 http.html#update). Creates the resource when the id is new ("update as create"),
   * unless If-Match was sent: there is then no version to match, so 412.
   */
  async update<T extends Resource>(
    resourceType: string,
    id: string,
    resource: T,
    options: WriteOptions = {},
  ): Promise<WriteResult<T>> {
    this.#assertType(resourceType);
    if (resource.resourceType !== resourceType) {
      throw fhirError(400, 'invalid', `body is a ${resource.resourceType}, the URL names ${resourceType}`);
    }
    if (resource.id !== id) {
      // R4 http.html#update: a missing id or one that differs from the URL is a 400.
      throw fhirError(400, 'invalid', `body id '${resource.id ?? ''}' does not match URL id '${id}'`, {
        expression: `${resourceType}.id`,
      });
    }
    if (!ID_PATTERN.test(id)) throw fhirError(400, 'invalid', `'${id}' is not a valid FHIR id`);
    const existing = this.#current.get(resourceType)?.get(id);
    if (options.ifMatch !== undefined) {
      if (existing === undefined) {
        throw fhirError(412, 'conflict', `${key(resourceType, id)} does not exist, so If-Match cannot match`);
      }
      this.#checkVersion(existing, options.ifMatch);
    }
    return { resource: await this.#put(resource, id), created: existing === undefined };
  }

  async patch(
    resourceType: string,
    id: string,
    operations: readonly PatchOperation[],
    options: WriteOptions = {},
  ): Promise<StoredResource> {
    this.#assertType(resourceType);
    const existing = this.#currentOrThrow(resourceType, id);
    if (options.ifMatch !== undefined) this.#checkVersion(existing, options.ifMatch);
    const patched = structuredClone(existing) as Resource;
    let results: ReturnType<typeof applyPatch>;
    try {
      results = applyPatch(patched, operations as Parameters<typeof applyPatch>[1]);
    } catch (error) {
      throw fhirError(400, 'invalid', `invalid JSON Patch: ${(error as Error).message}`);
    }
    const failed = results.find((r) => r !== null);
    if (failed) {
      // RFC 5789 section 2.2: a patch that cannot be applied to the resource is 422.
      throw fhirError(422, 'processing', `JSON Patch could not be applied: ${failed.message}`);
    }
    if (patched.resourceType !== resourceType || patched.id !== id) {
      throw fhirError(400, 'invalid', 'JSON Patch may not change resourceType or id');
    }
    return this.#put(patched, id);
  }

  /** Delete (R4 http.html#delete); deleting what is not there is not an error. */
  async delete(resourceType: string, id: string): Promise<void> {
    this.#assertType(resourceType);
    const existing = this.#current.get(resourceType)?.get(id);
    if (existing === undefined) return;
    this.#current.get(resourceType)?.delete(id);
    this.#bump(resourceType, { before: existing });
    this.#deleted.add(key(resourceType, id));
    await this.#repo.deleteResource(resourceType, id);
  }

  /**
   * Bulk insert with the ids the caller chose (the seed). `validate: false` skips validation
   * (about 0.1 ms per resource; see seed.ts seedStore).
   */
  async load(resources: readonly Resource[], options: { validate?: boolean } = {}): Promise<void> {
    for (const resource of resources) {
      this.#assertType(resource.resourceType);
      if (resource.id === undefined || !ID_PATTERN.test(resource.id)) {
        throw fhirError(400, 'invalid', `seed resource ${resource.resourceType} has no valid id`);
      }
      await this.#put(resource, resource.id, {
        validate: options.validate ?? true,
        lastUpdated: resource.meta?.lastUpdated,
      });
    }
  }

  /** Forgets everything (for `POST /_sandbox/reset`). */
  clear(): void {
    this.#repo.clear();
    // Search tables are keyed by generation (search.ts): emptied types must not keep theirs,
    // and with no change logged (#bump) they cannot be carried over either.
    for (const resourceType of this.#current.keys()) this.#bump(resourceType);
    this.#current.clear();
    this.#versions.clear();
    this.#deleted.clear();
  }

  // --- internals

  /** A new generation of the type; `change` is logged for changesSince (absent: not loggable). */
  #bump(resourceType: string, change?: ResourceChange): void {
    const generation = this.generation(resourceType) + 1;
    this.#generations.set(resourceType, generation);
    let log = this.#changes.get(resourceType);
    if (log === undefined) {
      log = [];
      this.#changes.set(resourceType, log);
    }
    if (change === undefined) log.length = 0;
    else {
      log.push({ ...change, generation });
      if (log.length > MAX_LOGGED_CHANGES) log.shift();
    }
  }

  #assertType(resourceType: string): void {
    if (!isResourceType(resourceType)) {
      throw fhirError(404, 'not-supported', `'${resourceType}' is not a FHIR R4 resource type`);
    }
  }

  #currentOrThrow(resourceType: string, id: string): StoredResource {
    const found = this.#current.get(resourceType)?.get(id);
    if (found !== undefined) return found;
    if (this.#deleted.has(key(resourceType, id))) {
      throw fhirError(410, 'deleted', `${key(resourceType, id)} has been deleted`);
    }
    throw fhirError(404, 'not-found', `${key(resourceType, id)} is not known`);
  }

  #checkVersion(existing: StoredResource, ifMatch: string): void {
    if (ifMatch === '*' || ifMatch === existing.meta.versionId) return;
    throw new VersionConflictError(existing.resourceType, existing.id, ifMatch, existing.meta.versionId);
  }

  /** Validates and stores the next version. Synchronous until the repository has stored it. */
  #put<T extends Resource>(
    resource: T,
    id: string,
    options: { validate?: boolean; lastUpdated?: string } = {},
  ): Promise<StoredResource<T>> {
    const k = key(resource.resourceType, id);
    const version = (this.#versions.get(k) ?? 0) + 1;
    const { versionId: _v, lastUpdated: _l, ...keptMeta } = resource.meta ?? {};
    const next = {
      ...resource,
      id,
      meta: {
        ...keptMeta,
        versionId: String(version),
        lastUpdated: options.lastUpdated ?? this.#now().toISOString(),
      },
    } as StoredResource<T>;
    if (options.validate ?? true) assertValidResource(next);
    this.#versions.set(k, version);
    this.#deleted.delete(k);
    let byId = this.#current.get(next.resourceType);
    if (byId === undefined) {
      byId = new Map();
      this.#current.set(next.resourceType, byId);
    }
    const stored = deepFreeze(structuredClone(next));
    const before = byId.get(id);
    byId.set(id, stored);
    this.#bump(next.resourceType, before === undefined ? { after: stored } : { before, after: stored });
    // MemoryRepository keeps the version history for vread; it takes id and versionId as given.
    return this.#repo.createResource(next).then(() => stored);
  }
}

/**
 * Stored resources are shared by reads, searches and the search index (search.ts caches values
 * per object), so they are frozen: a caller that wants to change one must copy it first
 * (`structuredClone`), and an accidental write throws instead of corrupting the store.
 */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function groupParams(params: URLSearchParams): [string, string[]][] {
  const grouped = new Map<string, string[]>();
  for (const [k, v] of params) {
    const list = grouped.get(k);
    if (list === undefined) grouped.set(k, [v]);
    else list.push(v);
  }
  return [...grouped];
}
