// FHIR R4 search over the sandbox's in-memory resources, strict like a production server.
//
// @medplum/core's matchesSearchRequest silently matches nothing for a parameter it does not know,
// treats every string search as "contains", ignores `:exact`, and re-evaluates FHIRPath for
// every resource on every search (~28 ms for a Slot search over the seed). A client tested
// against that would pass here and fail on a real EHR, so this module:
//   - rejects unknown parameters, unsupported modifiers and parameter types with 400 and an
//     OperationOutcome naming the parameter (R4 search.html#errors), unless the client sent
//     `Prefer: handling=lenient`, in which case they are dropped with a warning;
//   - matches strings as R4 search.html#string says: starts-with, case- and accent-insensitive,
//     against each part of a HumanName or Address; `:exact` and `:contains` as specified;
//   - resolves one level of chaining (`schedule.actor=Practitioner/1`, search.html#chaining);
//   - accepts bare ids for references (`patient=123`, search.html#reference);
//   - implements `_sort`, `_count`, `_offset`, `_total`, `_summary=count` and `_include`
//     (with `:iterate`), which MemoryRepository.search does not;
//   - indexes like a database: each resource's values for a parameter are extracted once (with
//     medplum's FHIRPath and convertToSearchable* helpers) and cached by object identity
//     (lib/derived.ts). The store never mutates a stored object (a write stores a new one), so
//     the cache cannot go stale. Per type and store generation (any write starts a new one) it
//     also keeps reference postings and, per date parameter, the resources sorted by start, so
//     `start=ge..&start=lt..` is a binary search and `_sort=start` comes free; within such a
//     window, verdicts of the other filters are remembered per slot. Every candidate is still
//     checked against every filter, so an index only narrows, never decides. The gateway's
//     find_slots search (two days of slots, includes, sorted) measured ~3.5 ms of CPU before,
//     ~0.05 ms warm now (search.test.ts checks answers against medplum's matchesSearchRequest).
// Token, reference and date comparisons follow medplum's match.ts semantics.

import type { SearchableToken } from '@medplum/core';
import {
  convertToSearchableDates,
  convertToSearchableReferences,
  convertToSearchableTokens,
  convertToSearchableUris,
  evalFhirPath,
  evalFhirPathTyped,
  getSearchParameter,
  getSearchParameters,
  splitSearchOnComma,
  toPeriod,
  toTypedValue,
} from '@medplum/core';
import type { OperationOutcomeIssue, Period, Reference, Resource, SearchParameter } from '@medplum/fhirtypes';
import { derivedFrom } from './lib/derived.ts';
import { fhirError, issue } from './lib/outcome.ts';

export type SearchQuery = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Where the search reads resources from: the store's current versions, never copies. */
export interface ResourceSource {
  all(resourceType: string): Iterable<Resource>;
  get(resourceType: string, id: string): Resource | undefined;
  /** Changes whenever a resource of the type is written or deleted (starts new search tables). */
  generation(resourceType: string): number;
  /**
   * The writes to the type since `generation`, oldest first, or undefined when they are not all
   * known any more: lets a search table follow a write instead of being rebuilt.
   */
  changesSince?(resourceType: string, generation: number): readonly ResourceChange[] | undefined;
}

/** One write: `before` absent for a create, `after` absent for a delete. */
export interface ResourceChange {
  readonly before?: Resource;
  readonly after?: Resource;
}

export interface SearchSettings {
  /** Parameter codes this endpoint accepts for the type; default: every R4 parameter evaluable here. */
  readonly allowedParams?: ReadonlySet<string>;
  readonly defaultCount: number;
  readonly maxCount: number;
  /** `Prefer: handling=lenient` (R4 search.html#errors): drop what is not understood, with a warning. */
  readonly lenient?: boolean;
}

export interface SearchPage {
  /** Number of matches across all pages. */
  readonly total: number;
  readonly offset: number;
  readonly count: number;
  readonly matches: readonly Resource[];
  /** Resources added by `_include`, each once, none of them also a match. */
  readonly included: readonly Resource[];
  /** Warnings for parameters dropped under lenient handling. */
  readonly warnings: readonly OperationOutcomeIssue[];
  /** The parameters applied, in request order, minus paging: what self and next links repeat. */
  readonly applied: readonly (readonly [string, string])[];
}

/** Parameter types whose matching this server implements. */
const SUPPORTED_TYPES = new Set(['string', 'token', 'reference', 'date', 'uri']);

const MODIFIERS_BY_TYPE: Readonly<Record<string, ReadonlySet<string>>> = {
  string: new Set(['', 'exact', 'contains', 'missing']),
  token: new Set(['', 'not', 'missing']),
  reference: new Set(['', 'missing']),
  date: new Set(['', 'missing']),
  uri: new Set(['', 'missing']),
};

/** Result parameters (search.html#return) this server honours; the rest are refused. */
const RESULT_PARAMETERS = new Set([
  '_count',
  '_offset',
  '_sort',
  '_include',
  '_total',
  '_summary',
  '_format',
  '_pretty',
]);

/** medplum indexes this one for its own access control; it is not an R4 parameter. */
const NON_R4_PARAMETERS = new Set(['_compartment']);

/**
 * The R4 search parameters of a type this server can evaluate, optionally narrowed to `allowed`:
 * what a CapabilityStatement may truthfully list.
 */
export function evaluableSearchParameters(
  resourceType: string,
  allowed?: ReadonlySet<string>,
): SearchParameter[] {
  return Object.entries(getSearchParameters(resourceType) ?? {})
    .filter(([code, param]) => !NON_R4_PARAMETERS.has(code) && SUPPORTED_TYPES.has(param.type))
    .filter(([code]) => allowed === undefined || allowed.has(code))
    .map(([, param]) => param);
}

type DateOperator = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb' | 'ap';

const DATE_PREFIXES: ReadonlySet<string> = new Set(['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap']);

interface ReferenceFilter {
  readonly kind: 'reference';
  readonly param: SearchParameter;
  readonly values: readonly string[];
}

type Filter =
  | { readonly kind: 'missing'; readonly param: SearchParameter; readonly missing: boolean }
  | {
      readonly kind: 'token';
      readonly param: SearchParameter;
      readonly negate: boolean;
      readonly values: readonly WantedToken[];
    }
  | ReferenceFilter
  | { readonly kind: 'uri'; readonly param: SearchParameter; readonly values: readonly string[] }
  | {
      readonly kind: 'date';
      readonly param: SearchParameter;
      readonly values: readonly { readonly operator: DateOperator; readonly period: Period }[];
    }
  | {
      readonly kind: 'string';
      readonly param: SearchParameter;
      readonly modifier: '' | 'exact' | 'contains';
      readonly values: readonly string[];
    };

/**
 * A token search value split and lower-cased once per search (medplum match.ts matchesTokenValue:
 * `[system]|[code]`, `|[code]`, `[system]|`, `[code]`), not once per token compared.
 */
interface WantedToken {
  /** `[code]` alone: compared with the code whatever the system. */
  readonly anySystem: boolean;
  /** Lower case; `''` for `|[code]` (no system). */
  readonly system: string;
  /** Lower case; `''` for `[system]|` (any code). */
  readonly code: string;
}

function wantedToken(value: string): WantedToken {
  const bar = value.indexOf('|');
  if (bar < 0) return { anySystem: true, system: '', code: value.toLowerCase() };
  return {
    anySystem: false,
    system: value.slice(0, bar).toLowerCase(),
    code: value.slice(bar + 1).toLowerCase(),
  };
}

interface IncludeSpec {
  readonly sourceType: string;
  readonly param: SearchParameter;
  readonly targetType?: string;
  readonly iterate: boolean;
}

interface SortSpec {
  readonly param: SearchParameter;
  readonly descending: boolean;
}

interface Plan {
  readonly filters: Filter[];
  readonly includes: IncludeSpec[];
  readonly sorts: SortSpec[];
  readonly offset: number;
  readonly count: number;
  readonly warnings: OperationOutcomeIssue[];
  readonly applied: [string, string][];
  /** A chain resolved to no resource at all: nothing can match. */
  empty: boolean;
}

function flatten(query: SearchQuery): [string, string][] {
  const pairs: [string, string][] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (typeof value === 'string') pairs.push([key, value]);
    else for (const v of value) pairs.push([key, v]);
  }
  return pairs;
}

function unknownParameter(plan: Plan, settings: SearchSettings, key: string, diagnostics: string): void {
  if (settings.lenient) {
    plan.warnings.push(
      issue('not-supported', `${diagnostics}; ignored`, { severity: 'warning', expression: key }),
    );
    return;
  }
  throw fhirError(400, 'not-supported', diagnostics, { expression: key });
}

function parseNonNegativeInt(key: string, value: string): number {
  if (!/^\d+$/.test(value))
    throw fhirError(400, 'invalid', `${key} must be a non-negative integer, got '${value}'`);
  return Number(value);
}

/**
 * The parameter a search key names, if this endpoint accepts it. Returns undefined after
 * recording a lenient warning; throws 400 otherwise.
 */
function lookupParameter(
  plan: Plan,
  settings: SearchSettings,
  resourceType: string,
  key: string,
  code: string,
): SearchParameter | undefined {
  const param = NON_R4_PARAMETERS.has(code) ? undefined : getSearchParameter(resourceType, code);
  if (param === undefined || (settings.allowedParams !== undefined && !settings.allowedParams.has(code))) {
    unknownParameter(
      plan,
      settings,
      key,
      `Unknown search parameter '${code}' for resource type '${resourceType}'`,
    );
    return undefined;
  }
  if (!SUPPORTED_TYPES.has(param.type)) {
    unknownParameter(
      plan,
      settings,
      key,
      `Search parameter '${code}' of type ${param.type} is not supported by this server`,
    );
    return undefined;
  }
  return param;
}

const ABSOLUTE_REFERENCE = /^https?:\/\/.+\/([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/;

/**
 * R4 search.html#reference: `[type]/[id]`, a bare `[id]`, an absolute URL, or `:[type]` with
 * an id. Returns the relative references (`Type/id`) to compare with.
 */
function normaliseReferenceValue(param: SearchParameter, typeModifier: string, value: string): string[] {
  const targets = typeModifier !== '' ? [typeModifier] : (param.target ?? []);
  const out: string[] = [];
  for (const part of splitSearchOnComma(value)) {
    const absolute = ABSOLUTE_REFERENCE.exec(part);
    if (absolute) out.push(`${absolute[1]}/${absolute[2]}`);
    else if (part.includes('/') || part.startsWith('urn:')) out.push(part);
    else for (const target of targets) out.push(`${target}/${part}`);
  }
  return out;
}

function dateFilterValues(key: string, value: string): { operator: DateOperator; period: Period }[] {
  return splitSearchOnComma(value).map((part) => {
    const prefix = part.slice(0, 2);
    const prefixed = DATE_PREFIXES.has(prefix) && /\d/.test(part.charAt(2));
    const operator = (prefixed ? prefix : 'eq') as DateOperator;
    const period = toPeriod(prefixed ? part.slice(2) : part);
    if (period === undefined) {
      throw fhirError(400, 'invalid', `'${part}' is not a valid date search value for '${key}'`, {
        expression: key,
      });
    }
    return { operator, period };
  });
}

function planInclude(
  plan: Plan,
  settings: SearchSettings,
  resourceType: string,
  key: string,
  value: string,
): void {
  const [modifierless, modifier = ''] = key.split(':');
  if (modifierless !== '_include' || (modifier !== '' && modifier !== 'iterate')) {
    unknownParameter(plan, settings, key, `'${key}' is not supported by this server`);
    return;
  }
  const parts = value.split(':');
  if (parts.length < 2 || parts.length > 3) {
    throw fhirError(
      400,
      'invalid',
      `_include must be [type]:[parameter] or [type]:[parameter]:[target], got '${value}'`,
    );
  }
  const [sourceType, code, targetType] = parts;
  const iterate = modifier === 'iterate';
  if (!iterate && sourceType !== resourceType) {
    throw fhirError(
      400,
      'invalid',
      `_include source type '${sourceType}' is not the searched type '${resourceType}'`,
    );
  }
  const param = getSearchParameter(sourceType, code);
  if (param === undefined || param.type !== 'reference' || NON_R4_PARAMETERS.has(code)) {
    unknownParameter(
      plan,
      settings,
      key,
      `Unknown reference search parameter '${code}' for _include on '${sourceType}'`,
    );
    return;
  }
  if (targetType !== undefined && !(param.target ?? []).includes(targetType as never)) {
    throw fhirError(400, 'invalid', `'${sourceType}:${code}' cannot point to '${targetType}'`);
  }
  plan.includes.push({ sourceType, param, targetType, iterate });
  plan.applied.push([key, value]);
}

function planSort(plan: Plan, settings: SearchSettings, resourceType: string, value: string): void {
  for (const field of value.split(',')) {
    const descending = field.startsWith('-');
    const code = descending ? field.slice(1) : field;
    const param = lookupParameter(plan, settings, resourceType, '_sort', code);
    if (param !== undefined) plan.sorts.push({ param, descending });
  }
  plan.applied.push(['_sort', value]);
}

/**
 * `a.b=v` or `a:Type.b=v` (R4 search.html#chaining): resolves the inner search first and turns
 * the chain into a reference filter on `a`. One level only, as most production servers.
 */
function planChain(
  plan: Plan,
  settings: SearchSettings,
  source: ResourceSource,
  resourceType: string,
  key: string,
  value: string,
): void {
  const dot = key.indexOf('.');
  const head = key.slice(0, dot);
  const tail = key.slice(dot + 1);
  if (tail.includes('.')) {
    throw fhirError(400, 'not-supported', `Chains deeper than one level are not supported: '${key}'`, {
      expression: key,
    });
  }
  const [code, typeModifier = ''] = head.split(':');
  const param = lookupParameter(plan, settings, resourceType, key, code);
  if (param === undefined) return;
  if (param.type !== 'reference') {
    throw fhirError(400, 'invalid', `'${code}' is not a reference parameter and cannot be chained`, {
      expression: key,
    });
  }
  const targets = typeModifier !== '' ? [typeModifier] : (param.target ?? []);
  const tailCode = tail.split(':')[0];
  const references: string[] = [];
  let understood = false;
  for (const target of targets) {
    if (getSearchParameter(target, tailCode) === undefined) continue;
    understood = true;
    for (const resource of matchAll(source, target, { [tail]: value }, { defaultCount: 0, maxCount: 0 })) {
      references.push(`${target}/${resource.id}`);
    }
  }
  if (!understood) {
    unknownParameter(plan, settings, key, `Unknown search parameter '${tailCode}' in chain '${key}'`);
    return;
  }
  if (references.length === 0) plan.empty = true;
  else plan.filters.push({ kind: 'reference', param, values: references });
  plan.applied.push([key, value]);
}

function planParameter(
  plan: Plan,
  settings: SearchSettings,
  resourceType: string,
  key: string,
  value: string,
): void {
  const colon = key.indexOf(':');
  const code = colon < 0 ? key : key.slice(0, colon);
  const modifier = colon < 0 ? '' : key.slice(colon + 1);
  const param = lookupParameter(plan, settings, resourceType, key, code);
  if (param === undefined) return;
  const referenceType = param.type === 'reference' && /^[A-Z][A-Za-z]+$/.test(modifier) ? modifier : '';
  if (referenceType !== '' && !(param.target ?? []).includes(referenceType as never)) {
    throw fhirError(400, 'invalid', `'${code}' cannot point to '${referenceType}'`, { expression: key });
  }
  if (referenceType === '' && !MODIFIERS_BY_TYPE[param.type].has(modifier)) {
    unknownParameter(
      plan,
      settings,
      key,
      `Modifier ':${modifier}' is not supported for '${code}' (${param.type})`,
    );
    return;
  }
  plan.applied.push([key, value]);
  if (modifier === 'missing') {
    if (value !== 'true' && value !== 'false') {
      throw fhirError(400, 'invalid', `:missing takes true or false, got '${value}'`, { expression: key });
    }
    plan.filters.push({ kind: 'missing', param, missing: value === 'true' });
    return;
  }
  switch (param.type) {
    case 'string':
      plan.filters.push({
        kind: 'string',
        param,
        modifier: modifier as '' | 'exact' | 'contains',
        values: splitSearchOnComma(value),
      });
      return;
    case 'reference':
      plan.filters.push({
        kind: 'reference',
        param,
        values: normaliseReferenceValue(param, referenceType, value),
      });
      return;
    case 'token':
      plan.filters.push({
        kind: 'token',
        param,
        negate: modifier === 'not',
        values: splitSearchOnComma(value).map(wantedToken),
      });
      return;
    case 'date':
      plan.filters.push({ kind: 'date', param, values: dateFilterValues(key, value) });
      return;
    default:
      plan.filters.push({ kind: 'uri', param, values: splitSearchOnComma(value) });
  }
}

function plan(
  source: ResourceSource,
  resourceType: string,
  query: SearchQuery,
  settings: SearchSettings,
): Plan {
  const result: Plan = {
    filters: [],
    includes: [],
    sorts: [],
    offset: 0,
    count: settings.defaultCount,
    warnings: [],
    applied: [],
    empty: false,
  };
  let count = settings.defaultCount;
  let offset = 0;
  for (const [key, value] of flatten(query)) {
    // An empty value (`param=`) is treated as absent, as HAPI does.
    if (value === '') continue;
    const code = key.split(':')[0];
    if (code.startsWith('_') && getSearchParameter(resourceType, code) === undefined) {
      if (!RESULT_PARAMETERS.has(code) || NON_R4_PARAMETERS.has(code)) {
        unknownParameter(result, settings, key, `Search parameter '${key}' is not supported by this server`);
        continue;
      }
      if (code === '_count') count = parseNonNegativeInt(key, value);
      else if (code === '_offset') offset = parseNonNegativeInt(key, value);
      else if (code === '_sort') planSort(result, settings, resourceType, value);
      else if (code === '_include') planInclude(result, settings, resourceType, key, value);
      else if (code === '_summary') {
        if (value !== 'count' && value !== 'false') {
          unknownParameter(result, settings, key, `_summary=${value} is not supported by this server`);
        } else if (value === 'count') count = 0;
      }
      // _total, _format and _pretty change nothing here: total is always exact, output is JSON.
      continue;
    }
    if (key.includes('.')) planChain(result, settings, source, resourceType, key, value);
    else planParameter(result, settings, resourceType, key, value);
  }
  return { ...result, count: Math.min(count, settings.maxCount), offset };
}

/** Lower case without accents, for R4's "case and accent insensitive" string matching. */
function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}

const NAME_AND_ADDRESS_PARTS = [
  'text',
  'family',
  'given',
  'prefix',
  'suffix',
  'line',
  'city',
  'district',
  'state',
  'postalCode',
  'country',
] as const;

/** The strings a string parameter compares with: each part of a HumanName or Address, else the value. */
function stringParts(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of NAME_AND_ADDRESS_PARTS) {
    const part = record[key];
    if (typeof part === 'string') parts.push(part);
    else if (Array.isArray(part)) for (const p of part) if (typeof p === 'string') parts.push(p);
  }
  return parts;
}

/** A resource's values for one parameter, extracted once (see the header: the index). */
interface IndexedValues {
  readonly present: boolean;
  /** Lower-cased once here: token matching is case-insensitive (medplum match.ts). */
  readonly tokens?: readonly SearchableToken[];
  readonly strings?: readonly string[];
  readonly folded?: readonly string[];
  readonly periods?: readonly Period[];
  /**
   * For dates with values: the earliest start and latest end in ms, or null when some value is
   * not a full UTC instant (see DateOrder). What a date order is rebuilt from after a write.
   */
  readonly range?: { readonly startMs: number; readonly endMs: number } | null;
  /** For references: the `Type/id` pairs `_include` follows (R4 search.html#include). */
  readonly targets?: Targets;
  readonly sortKey?: string;
}

/** An instant as medplum's convertToSearchableDates and toPeriod write it; their string order is time order. */
const INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function instantRange(periods: readonly Period[]): IndexedValues['range'] {
  if (periods.length === 0) return undefined;
  let startMs = Number.POSITIVE_INFINITY;
  let endMs = Number.NEGATIVE_INFINITY;
  for (const { start, end } of periods) {
    if (start === undefined || end === undefined || !INSTANT.test(start) || !INSTANT.test(end)) return null;
    startMs = Math.min(startMs, Date.parse(start));
    endMs = Math.max(endMs, Date.parse(end));
  }
  return { startMs, endMs };
}

/** A stored object's values, by parameter code (a resource's type is fixed, so the code names one parameter). */
type ResourceValues = Map<string, IndexedValues>;

type Targets = readonly (readonly [string, string])[];

/**
 * Target lists by their text, so resources pointing to the same things (every slot of one
 * schedule) share one list, which resolveIncludes resolves once per search.
 */
const internedTargets = new Map<string, Targets>();
/** Interning is only a saving: past this many distinct lists the table starts over. */
const MAX_INTERNED_TARGETS = 10_000;

/** Relative references (`Type/id`) among FHIRPath results; absolute and contained ones are not followed. */
function referenceTargets(typed: readonly { value: unknown }[]): Targets {
  const found: [string, string][] = [];
  for (const { value } of typed) {
    const reference = (value as Reference | undefined)?.reference;
    if (typeof reference !== 'string') continue;
    const [type, id, ...rest] = reference.split('/');
    if (rest.length > 0 || id === undefined) continue;
    found.push([type, id]);
  }
  const text = found.join(' ');
  const interned = internedTargets.get(text);
  if (interned !== undefined) return interned;
  if (internedTargets.size >= MAX_INTERNED_TARGETS) internedTargets.clear();
  internedTargets.set(text, found);
  return found;
}

function extract(resource: Resource, param: SearchParameter): IndexedValues {
  const typed = evalFhirPathTyped(param.expression ?? '', [toTypedValue(resource)]);
  switch (param.type) {
    case 'token':
      return {
        present: typed.length > 0,
        tokens: convertToSearchableTokens(typed).map((t) => ({
          system: t.system?.toLowerCase(),
          value: t.value?.toLowerCase(),
        })),
      };
    case 'reference':
      return {
        present: typed.length > 0,
        strings: convertToSearchableReferences(typed),
        targets: referenceTargets(typed),
      };
    case 'uri':
      return { present: typed.length > 0, strings: convertToSearchableUris(typed) };
    case 'date': {
      const periods = convertToSearchableDates(typed);
      return { present: typed.length > 0, periods, range: instantRange(periods) };
    }
    default: {
      const strings = typed.flatMap((t) => stringParts(t.value));
      return { present: typed.length > 0, strings, folded: strings.map(fold) };
    }
  }
}

function valuesOf(resource: Resource): ResourceValues {
  // Keys that are parameter codes hold IndexedValues, and only this module writes them.
  return derivedFrom(resource) as ResourceValues;
}

/** `resource`'s values for `param`, from `byCode` (its valuesOf), extracted on first use. */
function indexedIn(byCode: ResourceValues, resource: Resource, param: SearchParameter): IndexedValues {
  const code = param.code as string;
  let values = byCode.get(code);
  if (values === undefined) {
    values = extract(resource, param);
    byCode.set(code, values);
  }
  return values;
}

function indexed(resource: Resource, param: SearchParameter): IndexedValues {
  return indexedIn(valuesOf(resource), resource, param);
}

/** medplum match.ts matchesTokenValue, both sides already lower case (WantedToken, extract). */
function tokenMatches(token: SearchableToken, wanted: WantedToken): boolean {
  if (wanted.anySystem) return token.value === wanted.code;
  if (wanted.system === '')
    return wanted.code !== '' && token.system === undefined && token.value === wanted.code;
  return token.system === wanted.system && (wanted.code === '' || token.value === wanted.code);
}

/**
 * medplum match.ts matchesDateValue: both sides as periods (R4 search.html#prefix). Compares
 * ISO strings, or the same instants as ms where a DateOrder has them (see INSTANT).
 */
function dateMatches<T extends string | number>(
  start: T,
  end: T,
  operator: DateOperator,
  filterStart: T,
  filterEnd: T,
): boolean {
  switch (operator) {
    case 'eq':
    case 'ne':
    case 'ap':
      return start < filterEnd && end > filterStart;
    case 'lt':
      return start < filterStart;
    case 'gt':
      return end > filterEnd;
    case 'le':
      return start <= filterEnd;
    case 'ge':
      return end >= filterStart;
    case 'sa':
      return start > filterEnd;
    case 'eb':
      return end < filterStart;
  }
}

function matchesFilter(values: IndexedValues, filter: Filter): boolean {
  switch (filter.kind) {
    case 'missing':
      return values.present !== filter.missing;
    case 'token': {
      const hit = (values.tokens ?? []).some((t) => filter.values.some((v) => tokenMatches(t, v)));
      return filter.negate ? !hit : hit;
    }
    case 'reference':
    case 'uri':
      return (values.strings ?? []).some((s) => filter.values.includes(s));
    case 'date':
      return filter.values.some(({ operator, period }) => {
        const hit = (values.periods ?? []).some((p) =>
          dateMatches(
            p.start ?? '0000',
            p.end ?? '9999',
            operator,
            period.start as string,
            period.end as string,
          ),
        );
        return operator === 'ne' ? !hit : hit;
      });
    case 'string':
      return filter.values.some((wanted) => {
        if (filter.modifier === 'exact') return (values.strings ?? []).includes(wanted);
        const folded = fold(wanted);
        if (filter.modifier === 'contains') return (values.folded ?? []).some((p) => p.includes(folded));
        return (values.folded ?? []).some((p) => p.startsWith(folded));
      });
  }
}

/** Whether the resource passes every filter; `byCode` is its valuesOf, looked up once. */
function matchesEvery(byCode: ResourceValues, resource: Resource, filters: readonly Filter[]): boolean {
  for (const filter of filters) {
    if (!matchesFilter(indexedIn(byCode, resource, filter.param), filter)) return false;
  }
  return true;
}

/** A comparable key for `_sort`: the first value, as an instant for dates. */
function sortKey(resource: Resource, param: SearchParameter): string | undefined {
  if (param.type === 'date') return indexed(resource, param).periods?.[0]?.start;
  const first = evalFhirPath(param.expression ?? '', resource)[0];
  if (first === undefined || first === null) return undefined;
  if (typeof first !== 'object') return fold(String(first));
  const record = first as Record<string, unknown>;
  if (typeof record.reference === 'string') return record.reference;
  const parts = stringParts(first);
  if (parts.length > 0) return fold(parts.join(' '));
  const coding = (record.coding as { code?: string }[] | undefined)?.[0];
  const code = record.code ?? record.value ?? coding?.code;
  return typeof code === 'string' ? fold(code) : JSON.stringify(first);
}

function sortResources(resources: Resource[], sorts: readonly SortSpec[]): Resource[] {
  const keyed = resources.map((resource) => ({
    resource,
    keys: sorts.map((s) => sortKey(resource, s.param)),
  }));
  keyed.sort((a, b) => {
    for (let i = 0; i < sorts.length; i++) {
      const x = a.keys[i];
      const y = b.keys[i];
      if (x === y) continue;
      // Resources without a value sort last whatever the direction (HAPI does the same).
      if (x === undefined) return 1;
      if (y === undefined) return -1;
      const order = x < y ? -1 : 1;
      return sorts[i].descending ? -order : order;
    }
    return 0;
  });
  return keyed.map((k) => k.resource);
}

/** `Type/id` pairs an include follows from one resource (extracted once per stored object). */
function referencesOf(resource: Resource, include: IncludeSpec): Targets {
  return indexed(resource, include.param).targets ?? [];
}

function resolveIncludes(
  source: ResourceSource,
  page: readonly Resource[],
  includes: readonly IncludeSpec[],
): Resource[] {
  if (includes.length === 0) return [];
  // By identity: the page holds the store's current objects, which is what source.get returns.
  const seen = new Set<Resource>(page);
  const included: Resource[] = [];
  // What each distinct target list (interned, see referenceTargets) resolves to, per include.
  const resolved = includes.map(() => new Map<Targets, readonly Resource[]>());
  let frontier: readonly Resource[] = page;
  let first = true;
  // Non-iterating includes apply to the matches only; `:iterate` ones also to what was included
  // (R4 search.html#revinclude), until nothing new turns up.
  while (frontier.length > 0) {
    const next: Resource[] = [];
    for (const resource of frontier) {
      for (let k = 0; k < includes.length; k++) {
        const include = includes[k];
        if ((!first && !include.iterate) || include.sourceType !== resource.resourceType) continue;
        const targets = referencesOf(resource, include);
        let found = resolved[k].get(targets);
        if (found === undefined) {
          found = targets.flatMap(([type, id]) =>
            include.targetType !== undefined && type !== include.targetType
              ? []
              : (source.get(type, id) ?? []),
          );
          resolved[k].set(targets, found);
        }
        for (const target of found) {
          if (seen.has(target)) continue;
          seen.add(target);
          included.push(target);
          next.push(target);
        }
      }
    }
    frontier = next;
    first = false;
  }
  return included;
}

/**
 * The resources of one date parameter's type sorted by the earliest start among their values,
 * ties in store order, so a date range is two binary searches instead of a scan of every slot.
 * Only built when every value is a full UTC instant (INSTANT): dateMatches compares ISO strings,
 * and for those alone the order of their times in ms is the same order.
 */
interface DateOrder {
  readonly code: string;
  /** Replaced in place when a write keeps a resource's dates (carryOver). */
  readonly resources: Resource[];
  /** Each resource's valuesOf, parallel to `resources`: filtering a window needs no WeakMap lookup. */
  readonly values: ResourceValues[];
  /** Each resource's earliest start and latest end (ms), parallel to `resources`. */
  readonly starts: readonly number[];
  readonly ends: readonly number[];
  /** Longest time from a resource's earliest start to its latest end: how far back `ge` can reach. */
  readonly maxSpanMs: number;
  /** Every resource has exactly one value, so this order is also the `_sort` order on the parameter. */
  readonly single: boolean;
  /**
   * Other filters' verdicts by position, filled in as windows visit them (-1: not yet known),
   * keyed by filterKey: the same `status=free` is not re-evaluated for a slot until a write.
   */
  readonly verdicts: Map<string, Int8Array>;
}

/**
 * What is derived from every resource of one type at one store generation: store order,
 * reference postings, date orders. Each part is built on first use from the per-object cache
 * above (so cheaply: no FHIRPath), and the whole table is dropped when a write bumps the
 * generation, so a booked slot is out of the next search's candidates (DESIGN.md P4).
 */
interface TypeTable {
  readonly generation: number;
  ordinals?: ReadonlyMap<Resource, number>;
  readonly postings: Map<string, ReadonlyMap<string, readonly Resource[]>>;
  /** `undefined` when the parameter's values cannot be ordered as instants (see dateOrder). */
  readonly dates: Map<string, DateOrder | undefined>;
}

const tablesBySource = new WeakMap<ResourceSource, Map<string, TypeTable>>();

function tableOf(source: ResourceSource, resourceType: string): TypeTable {
  let perSource = tablesBySource.get(source);
  if (perSource === undefined) {
    perSource = new Map();
    tablesBySource.set(source, perSource);
  }
  const generation = source.generation(resourceType);
  let table = perSource.get(resourceType);
  if (table === undefined || table.generation !== generation) {
    const dates = table === undefined ? undefined : carryOver(source, resourceType, table);
    table = { generation, postings: new Map(), dates: dates ?? new Map() };
    perSource.set(resourceType, table);
  }
  return table;
}

/**
 * The previous table's date orders, brought up to date when every write since only replaced
 * resources without changing their dates (a booking: a Slot turns busy): each new version takes
 * its predecessor's position, which is where a rebuild would put it (same start, same place in
 * store order), and its remembered verdicts are forgotten. Any other write (a create, a delete,
 * a moved slot) drops that order, to be rebuilt when next used; postings and store order are
 * rebuilt when next used either way.
 */
function carryOver(
  source: ResourceSource,
  resourceType: string,
  table: TypeTable,
): Map<string, DateOrder | undefined> | undefined {
  const changes = source.changesSince?.(resourceType, table.generation);
  if (changes === undefined) return undefined;
  const carried = new Map<string, DateOrder | undefined>();
  for (const [code, order] of table.dates) {
    if (order === undefined) continue;
    const param = getSearchParameter(resourceType, code) as SearchParameter;
    if (changes.every((change) => replaceInOrder(order, param, change))) carried.set(code, order);
  }
  return carried;
}

/** Puts `change.after` where `change.before` is in `order`; false when its dates changed. */
function replaceInOrder(order: DateOrder, param: SearchParameter, change: ResourceChange): boolean {
  const { before, after } = change;
  if (before === undefined || after === undefined) return false;
  const was = indexed(before, param);
  const values = valuesOf(after);
  const now = indexedIn(values, after, param);
  // Without dates it is in no order before or after.
  if (was.range === undefined && now.range === undefined) return true;
  const from = was.range;
  const to = now.range;
  if (from === undefined || from === null || to === undefined || to === null) return false;
  if (from.startMs !== to.startMs || from.endMs !== to.endMs) return false;
  if (was.periods?.length !== now.periods?.length) return false;
  let i = lowerIndex(order.starts, from.startMs, false);
  while (i < order.resources.length && order.starts[i] === from.startMs && order.resources[i] !== before) i++;
  if (order.resources[i] !== before) return false;
  order.resources[i] = after;
  order.values[i] = values;
  for (const verdicts of order.verdicts.values()) verdicts[i] = -1;
  return true;
}

/** `matches` (a subset of the type) back in store order, the order searches answer in. */
function inStoreOrder(
  source: ResourceSource,
  resourceType: string,
  table: TypeTable,
  matches: Resource[],
): Resource[] {
  if (table.ordinals === undefined) {
    const ordinals = new Map<Resource, number>();
    for (const resource of source.all(resourceType)) ordinals.set(resource, ordinals.size);
    table.ordinals = ordinals;
  }
  const ordinals = table.ordinals;
  return matches.sort((a, b) => (ordinals.get(a) as number) - (ordinals.get(b) as number));
}

/**
 * Resources of the type that hold one of `values` in reference parameter `param`: an inverted
 * index. Narrows a Slot search by schedule from every slot to one practitioner's. In store order
 * for a single value; `ordered` false when several lists were merged.
 */
function byReference(
  source: ResourceSource,
  resourceType: string,
  table: TypeTable,
  param: SearchParameter,
  values: readonly string[],
): { resources: readonly Resource[]; ordered: boolean } {
  const code = param.code as string;
  let postings = table.postings.get(code);
  if (postings === undefined) {
    const map = new Map<string, Resource[]>();
    for (const resource of source.all(resourceType)) {
      for (const reference of indexed(resource, param).strings ?? []) {
        const list = map.get(reference);
        if (list === undefined) map.set(reference, [resource]);
        else if (list[list.length - 1] !== resource) list.push(resource);
      }
    }
    postings = map;
    table.postings.set(code, postings);
  }
  if (values.length === 1) return { resources: postings.get(values[0]) ?? [], ordered: true };
  const merged = new Set(values.flatMap((v) => postings.get(v) ?? []));
  return { resources: [...merged], ordered: false };
}

/** The DateOrder of `param`, or undefined when some value is not a full UTC instant. */
function dateOrder(
  source: ResourceSource,
  resourceType: string,
  table: TypeTable,
  param: SearchParameter,
): DateOrder | undefined {
  const code = param.code as string;
  if (table.dates.has(code)) return table.dates.get(code);
  const rows: { resource: Resource; values: ResourceValues; startMs: number; endMs: number }[] = [];
  let maxSpanMs = 0;
  let single = true;
  let usable = true;
  for (const resource of source.all(resourceType)) {
    const values = valuesOf(resource);
    const { range, periods } = indexedIn(values, resource, param);
    // No value: no range filter can match it (only `ne` can, and `ne` does not narrow).
    if (range === undefined) continue;
    if (range === null) {
      usable = false;
      break;
    }
    if ((periods as readonly Period[]).length > 1) single = false;
    maxSpanMs = Math.max(maxSpanMs, range.endMs - range.startMs);
    rows.push({ resource, values, startMs: range.startMs, endMs: range.endMs });
  }
  if (!usable) {
    table.dates.set(code, undefined);
    return undefined;
  }
  // Array.prototype.sort is stable (ECMA-262 since 2019): equal starts stay in store order.
  rows.sort((a, b) => a.startMs - b.startMs);
  const order: DateOrder = {
    code,
    resources: rows.map((r) => r.resource),
    values: rows.map((r) => r.values),
    starts: rows.map((r) => r.startMs),
    ends: rows.map((r) => r.endMs),
    maxSpanMs,
    single,
    verdicts: new Map(),
  };
  table.dates.set(code, order);
  return order;
}

/** First index whose start is `>= bound` (or `> bound` when `after`). */
function lowerIndex(starts: readonly number[], bound: number, after: boolean): number {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid] < bound || (after && starts[mid] === bound)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The slice of `order` that can hold every match of the single-value filters on its parameter
 * (each a necessary condition from dateMatches on the earliest start or latest end), or
 * undefined when none of them bounds it. Every filter is still applied to the slice.
 */
function dateWindow(order: DateOrder, filters: readonly Filter[]): [number, number] | undefined {
  let from = 0;
  let to = order.starts.length;
  let bounded = false;
  for (const filter of filters) {
    if (filter.kind !== 'date' || filter.param.code !== order.code || filter.values.length !== 1) continue;
    const { operator, period } = filter.values[0];
    const range = instantRange([period]);
    if (range === undefined || range === null) continue;
    const { startMs, endMs } = range;
    // lt: some start < filter start; le: some start <= filter end; eq/ap: some start < filter end.
    if (operator === 'lt') to = Math.min(to, lowerIndex(order.starts, startMs, false));
    else if (operator === 'le') to = Math.min(to, lowerIndex(order.starts, endMs, true));
    else if (operator === 'eq' || operator === 'ap')
      to = Math.min(to, lowerIndex(order.starts, endMs, false));
    // ge, eq, ap: some end >= (or >) filter start; gt: some end > filter end. That end is at
    // most maxSpanMs after the resource's earliest start.
    if (operator === 'ge' || operator === 'eq' || operator === 'ap') {
      from = Math.max(from, lowerIndex(order.starts, startMs - order.maxSpanMs, false));
    } else if (operator === 'gt') {
      from = Math.max(from, lowerIndex(order.starts, endMs - order.maxSpanMs, false));
    }
    if (operator !== 'ne' && operator !== 'sa' && operator !== 'eb') bounded = true;
  }
  return bounded ? [from, Math.max(from, to)] : undefined;
}

/** Distinct filters that keep verdicts per DateOrder; past it they are no longer remembered. */
const MAX_REMEMBERED_FILTERS = 32;

function filterKey(filter: Filter): string {
  const { param, ...rest } = filter;
  return `${param.code}\u0000${JSON.stringify(rest)}`;
}

/**
 * `filter` as a test of position i of `order`. On the order's own parameter, when it and the
 * filter are instants, dates compare as ms from the order's arrays; other filters read and fill
 * the order's verdicts, so a repeated search reads one byte per slot and filter instead of the
 * slot's values. Either way the answer is matchesFilter's.
 */
function positionTest(order: DateOrder, filter: Filter): (i: number) => boolean {
  if (filter.kind === 'date' && filter.param.code === order.code && order.single) {
    const ranges = filter.values.map(({ operator, period }) => ({ operator, range: instantRange([period]) }));
    if (ranges.every(({ range }) => range !== undefined && range !== null)) {
      const { starts, ends } = order;
      if (ranges.length === 1) {
        const [{ operator, range }] = ranges;
        const { startMs, endMs } = range as { startMs: number; endMs: number };
        const negate = operator === 'ne';
        return (i) => dateMatches(starts[i], ends[i], operator, startMs, endMs) !== negate;
      }
      return (i) =>
        ranges.some(({ operator, range }) => {
          const { startMs, endMs } = range as { startMs: number; endMs: number };
          const hit = dateMatches(starts[i], ends[i], operator, startMs, endMs);
          return operator === 'ne' ? !hit : hit;
        });
    }
  }
  const direct = (i: number): boolean =>
    matchesFilter(indexedIn(order.values[i], order.resources[i], filter.param), filter);
  if (filter.kind === 'date') return direct;
  const key = filterKey(filter);
  let verdicts = order.verdicts.get(key);
  if (verdicts === undefined) {
    if (order.verdicts.size >= MAX_REMEMBERED_FILTERS) order.verdicts.clear();
    verdicts = new Int8Array(order.resources.length).fill(-1);
    order.verdicts.set(key, verdicts);
  }
  const known = verdicts;
  return (i) => {
    let verdict = known[i];
    if (verdict < 0) {
      verdict = direct(i) ? 1 : 0;
      known[i] = verdict;
    }
    return verdict === 1;
  };
}

function filterMatches(source: ResourceSource, resourceType: string, p: Plan): Resource[] {
  if (p.empty) return [];
  const table = tableOf(source, resourceType);
  // Candidates: the smallest of every resource, a reference posting list, a date window.
  let candidates: Iterable<Resource> = source.all(resourceType);
  let size = Number.POSITIVE_INFINITY;
  let storeOrdered = true;
  let window: { order: DateOrder; from: number; to: number } | undefined;
  const dateCodes = new Set<string>();
  for (const filter of p.filters) {
    if (filter.kind === 'date') dateCodes.add(filter.param.code as string);
    if (filter.kind !== 'reference') continue;
    const found = byReference(source, resourceType, table, filter.param, filter.values);
    if (found.resources.length < size) {
      candidates = found.resources;
      size = found.resources.length;
      storeOrdered = found.ordered;
    }
  }
  for (const code of dateCodes) {
    const param = (p.filters.find((f) => f.param.code === code) as Filter).param;
    const order = dateOrder(source, resourceType, table, param);
    const bounds = order === undefined ? undefined : dateWindow(order, p.filters);
    if (order === undefined || bounds === undefined || bounds[1] - bounds[0] >= size) continue;
    window = { order, from: bounds[0], to: bounds[1] };
    size = bounds[1] - bounds[0];
  }
  const matches: Resource[] = [];
  if (window === undefined) {
    for (const resource of candidates) {
      if (matchesEvery(valuesOf(resource), resource, p.filters)) matches.push(resource);
    }
    const ordered = storeOrdered ? matches : inStoreOrder(source, resourceType, table, matches);
    return p.sorts.length > 0 ? sortResources(ordered, p.sorts) : ordered;
  }
  const { order, from, to } = window;
  const tests = p.filters.map((filter) => positionTest(order, filter));
  for (let i = from; i < to; i++) {
    let passes = true;
    for (const test of tests) {
      if (!test(i)) {
        passes = false;
        break;
      }
    }
    if (passes) matches.push(order.resources[i]);
  }
  // `_sort` on the window's own single-valued date parameter, ascending: the window order is
  // already what a stable sort of the store-ordered matches gives (ties in store order).
  const [firstSort] = p.sorts;
  if (order.single && p.sorts.length === 1 && !firstSort.descending && firstSort.param.code === order.code) {
    return matches;
  }
  const ordered = inStoreOrder(source, resourceType, table, matches);
  return p.sorts.length > 0 ? sortResources(ordered, p.sorts) : ordered;
}

/**
 * Extracts the values of `codes` for every resource of the type now, and builds the reference
 * postings and date orders, so the first search after start-up does not pay for it (measured
 * ~100 ms for the seed's slots).
 */
export function warmSearchIndex(
  source: ResourceSource,
  resourceType: string,
  codes: readonly string[],
): void {
  const params = codes.flatMap((code) => getSearchParameter(resourceType, code) ?? []);
  for (const resource of source.all(resourceType)) for (const param of params) indexed(resource, param);
  const table = tableOf(source, resourceType);
  for (const param of params) {
    if (param.type === 'reference') byReference(source, resourceType, table, param, []);
    if (param.type === 'date') dateOrder(source, resourceType, table, param);
  }
}

/** Every match, unpaged; used for chains and conditional writes. */
export function matchAll(
  source: ResourceSource,
  resourceType: string,
  query: SearchQuery,
  settings: SearchSettings,
): Resource[] {
  return filterMatches(source, resourceType, plan(source, resourceType, query, settings));
}

export function search(
  source: ResourceSource,
  resourceType: string,
  query: SearchQuery,
  settings: SearchSettings,
): SearchPage {
  const p = plan(source, resourceType, query, settings);
  const all = filterMatches(source, resourceType, p);
  const matches = all.slice(p.offset, p.offset + p.count);
  return {
    total: all.length,
    offset: p.offset,
    count: p.count,
    matches,
    included: resolveIncludes(source, matches, p.includes),
    warnings: p.warnings,
    applied: p.applied,
  };
}
