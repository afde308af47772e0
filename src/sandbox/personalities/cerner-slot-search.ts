// The Cerner-like `GET [base]/Slot` search (DESIGN.md section 5; Oracle Health's Slot search
// documentation, modelled on cerner/cerner-capability-statement-r4-secure.json and the
// cerner/R4_SLOT_BUNDLE*.json examples):
//   - `service-type` is required (or `_id`), a comma list of `system|code` tokens;
//   - `start`, when used, comes exactly twice: `start=ge<instant>` and `start=lt<instant>`;
//   - `schedule.actor` (Practitioner references) and `-location` (Location references) take
//     comma lists; every parameter appears at most once (`_include` once per value);
//   - `_count` (default 50, at most 200), `_include=Slot:schedule`, `_include=Schedule:actor`
//     (or `Schedule:actor:Practitioner`);
//   - only `free` slots come back, sorted by start; no `total`, and the `next` link carries an
//     opaque `-pageContext` as Cerner's does.

import type { Bundle, BundleEntry, Resource, Schedule, Slot } from '@medplum/fhirtypes';
import type { StoredResource } from '../fhir-store.ts';
import { fhirError } from '../lib/outcome.ts';
import type { FhirReply, InteractionContext } from '../personality.ts';
import { asCerner } from './cerner-versions.ts';

export const CERNER_SLOT_DEFAULT_COUNT = 50;
export const CERNER_SLOT_MAX_COUNT = 200;

const ALLOWED = new Set([
  '_id',
  'service-type',
  'start',
  'schedule.actor',
  '-location',
  '_count',
  '_include',
]);
const INCLUDES = new Set(['Slot:schedule', 'Schedule:actor', 'Schedule:actor:Practitioner']);
const PAGE_CONTEXT = '-pageContext';
const PAGE_DIRECTION = '-pageDirection';

type Pair = readonly [string, string];

function bad(diagnostics: string, expression?: string): never {
  throw fhirError(400, 'invalid', diagnostics, expression === undefined ? {} : { expression });
}

function requestPairs(context: InteractionContext): Pair[] {
  const { request } = context;
  const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
  const pairs: Pair[] = [...new URLSearchParams(query)];
  const body = request.body;
  if (request.method === 'POST' && typeof body === 'object' && body !== null) {
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string') pairs.push([key, v]);
    }
  }
  return pairs;
}

function encodePageContext(pairs: readonly Pair[], offset: number): string {
  return Buffer.from(JSON.stringify({ p: pairs, o: offset })).toString('base64url');
}

function decodePageContext(token: string): { pairs: Pair[]; offset: number } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { p: unknown; o: unknown };
    const pairs = parsed.p;
    const valid =
      Array.isArray(pairs) &&
      pairs.every((p) => Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === 'string')) &&
      Number.isInteger(parsed.o) &&
      (parsed.o as number) >= 0;
    if (valid) return { pairs: pairs as Pair[], offset: parsed.o as number };
  } catch {
    // falls through to the 400 below
  }
  return bad(`${PAGE_CONTEXT} is not a page context this server issued`, PAGE_CONTEXT);
}

function references(key: string, value: string, type: 'Practitioner' | 'Location'): string[] {
  return value.split(',').map((part) => {
    const match = /^(?:([A-Za-z]+)\/)?([A-Za-z0-9\-.]{1,64})$/.exec(part.trim());
    if (match === null || (match[1] !== undefined && match[1] !== type)) {
      bad(`${key} takes ${type} references, got '${part}'`, key);
    }
    return `${type}/${match[2]}`;
  });
}

const DATE_WITH_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

interface Plan {
  readonly query: Record<string, string[]>;
  readonly includes: ReadonlySet<string>;
  readonly count: number;
}

/** Checks the parameters against Cerner's rules and turns them into a store query. */
function plan(pairs: readonly Pair[]): Plan {
  const seen = new Map<string, string[]>();
  for (const [key, value] of pairs) {
    if (!ALLOWED.has(key)) bad(`Unknown or unsupported parameter '${key}' for Slot search`, key);
    const values = seen.get(key) ?? [];
    values.push(value);
    seen.set(key, values);
  }
  for (const [key, values] of seen) {
    if (key === 'start' || key === '_include') continue;
    if (values.length > 1) bad(`The parameter '${key}' may appear only once`, key);
  }
  const serviceType = seen.get('service-type')?.[0];
  const ids = seen.get('_id')?.[0];
  if (serviceType === undefined && ids === undefined) {
    bad("The 'service-type' parameter is required (or '_id')", 'service-type');
  }
  const query: Record<string, string[]> = { status: ['free'], _sort: ['start'] };
  if (serviceType !== undefined) query['service-type'] = [serviceType];
  if (ids !== undefined) query._id = [ids];

  const start = seen.get('start');
  if (start !== undefined) {
    const ge = start.filter((v) => v.startsWith('ge'));
    const lt = start.filter((v) => v.startsWith('lt'));
    if (start.length !== 2 || ge.length !== 1 || lt.length !== 1) {
      bad("'start' must be given exactly twice, once with the 'ge' prefix and once with 'lt'", 'start');
    }
    for (const value of start) {
      if (!DATE_WITH_TIME.test(value.slice(2)) || Number.isNaN(Date.parse(value.slice(2)))) {
        bad(`'start' needs an instant with a time and zone, got '${value}'`, 'start');
      }
    }
    if (Date.parse(ge[0].slice(2)) >= Date.parse(lt[0].slice(2))) {
      bad("'start=ge' must be before 'start=lt'", 'start');
    }
    query.start = [ge[0], lt[0]];
  }

  // Both narrow the slot's schedule (seed.ts: Schedule.actor holds the practitioner and the location).
  const actors: string[] = [];
  const practitioners = seen.get('schedule.actor')?.[0];
  if (practitioners !== undefined)
    actors.push(references('schedule.actor', practitioners, 'Practitioner').join(','));
  const locations = seen.get('-location')?.[0];
  if (locations !== undefined) actors.push(references('-location', locations, 'Location').join(','));
  if (actors.length > 0) query['schedule.actor'] = actors;

  const includes = new Set<string>();
  for (const value of seen.get('_include') ?? []) {
    if (!INCLUDES.has(value))
      bad(`_include=${value} is not supported; use Slot:schedule or Schedule:actor`, '_include');
    if (includes.has(value)) bad(`_include=${value} appears twice`, '_include');
    includes.add(value);
  }

  let count = CERNER_SLOT_DEFAULT_COUNT;
  const rawCount = seen.get('_count')?.[0];
  if (rawCount !== undefined) {
    if (!/^\d+$/.test(rawCount) || Number(rawCount) < 1)
      bad(`_count must be a positive integer, got '${rawCount}'`, '_count');
    count = Math.min(Number(rawCount), CERNER_SLOT_MAX_COUNT);
  }
  return { query, includes, count };
}

function included(
  context: InteractionContext,
  slots: readonly Resource[],
  includes: ReadonlySet<string>,
): Resource[] {
  const out = new Map<string, Resource>();
  const wantSchedule = includes.has('Slot:schedule');
  const wantActors = includes.has('Schedule:actor') || includes.has('Schedule:actor:Practitioner');
  for (const slot of slots as Slot[]) {
    const scheduleId = /^Schedule\/(.+)$/.exec(slot.schedule?.reference ?? '')?.[1];
    const schedule =
      scheduleId === undefined ? undefined : (context.store.get('Schedule', scheduleId) as Schedule);
    if (schedule === undefined) continue;
    if (wantSchedule) out.set(`Schedule/${schedule.id}`, schedule);
    if (!wantActors) continue;
    for (const actor of schedule.actor ?? []) {
      const id = /^Practitioner\/(.+)$/.exec(actor.reference ?? '')?.[1];
      const practitioner = id === undefined ? undefined : context.store.get('Practitioner', id);
      if (practitioner !== undefined) out.set(`Practitioner/${id}`, practitioner);
    }
  }
  return [...out.values()];
}

export function cernerSlotSearch(context: InteractionContext): FhirReply {
  const pairs = requestPairs(context);
  const token = pairs.find(([key]) => key === PAGE_CONTEXT)?.[1];
  const { pairs: original, offset } = token === undefined ? { pairs, offset: 0 } : decodePageContext(token);
  if (
    token !== undefined &&
    pairs.some(([key]) => key !== PAGE_CONTEXT && key !== PAGE_DIRECTION && key !== '_include')
  ) {
    bad(`${PAGE_CONTEXT} takes no other search parameters`, PAGE_CONTEXT);
  }
  const { query, includes, count } = plan(original);
  const page = context.store.search(
    'Slot',
    { ...query, _count: String(count), _offset: String(offset) },
    {
      defaultCount: count,
      maxCount: CERNER_SLOT_MAX_COUNT,
    },
  );
  const entry = (resource: Resource, mode: 'match' | 'include'): BundleEntry => ({
    fullUrl: `${context.baseUrl}/${resource.resourceType}/${resource.id}`,
    resource: asCerner(resource as StoredResource),
    search: { mode },
  });
  const selfParams = new URLSearchParams(original.map(([k, v]): [string, string] => [k, v]));
  if (!selfParams.has('_count')) selfParams.set('_count', String(count));
  const link: Bundle['link'] = [{ relation: 'self', url: `${context.baseUrl}/Slot?${selfParams}` }];
  if (offset + page.matches.length < page.total) {
    const next = new URLSearchParams();
    for (const value of includes) next.append('_include', value);
    next.set(PAGE_CONTEXT, encodePageContext(original, offset + count));
    next.set(PAGE_DIRECTION, 'NEXT');
    link.push({ relation: 'next', url: `${context.baseUrl}/Slot?${next}` });
  }
  const entries = [
    ...page.matches.map((r) => entry(r, 'match')),
    ...included(context, page.matches, includes).map((r) => entry(r, 'include')),
  ];
  const bundle: Bundle = {
    resourceType: 'Bundle',
    id: crypto.randomUUID(),
    type: 'searchset',
    link,
    ...(entries.length === 0 ? {} : { entry: entries }),
  };
  return { status: 200, body: bundle };
}
