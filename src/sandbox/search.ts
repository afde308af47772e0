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
//     medplum's FHIRPath and convertToSearchable* helpers) and cached by object identity. The
//     store never mutates a stored object (a write stores a new one), so the cache cannot go
//     stale; a Slot search over the seed takes well under a millisecond once warm.
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
import { fhirError, issue } from './lib/outcome.ts';

export type SearchQuery = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Where the search reads resources from: the store's current versions, never copies. */
export interface ResourceSource {
  all(resourceType: string): Iterable<Resource>;
  get(resourceType: string, id: string): Resource | undefined;
  /** Changes whenever a resource of the type is written or deleted (invalidates postings). */
  generation(resourceType: string): number;
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
      readonly values: readonly string[];
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
        values: splitSearchOnComma(value),
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
  readonly tokens?: readonly SearchableToken[];
  readonly strings?: readonly string[];
  readonly folded?: readonly string[];
  readonly periods?: readonly Period[];
  readonly sortKey?: string;
}

const index = new WeakMap<Resource, Map<string, IndexedValues>>();

function extract(resource: Resource, param: SearchParameter): IndexedValues {
  const typed = evalFhirPathTyped(param.expression ?? '', [toTypedValue(resource)]);
  switch (param.type) {
    case 'token':
      return { present: typed.length > 0, tokens: convertToSearchableTokens(typed) };
    case 'reference':
      return { present: typed.length > 0, strings: convertToSearchableReferences(typed) };
    case 'uri':
      return { present: typed.length > 0, strings: convertToSearchableUris(typed) };
    case 'date':
      return { present: typed.length > 0, periods: convertToSearchableDates(typed) };
    default: {
      const strings = typed.flatMap((t) => stringParts(t.value));
      return { present: typed.length > 0, strings, folded: strings.map(fold) };
    }
  }
}

function indexed(resource: Resource, param: SearchParameter): IndexedValues {
  let byCode = index.get(resource);
  if (byCode === undefined) {
    byCode = new Map();
    index.set(resource, byCode);
  }
  const code = param.code as string;
  let values = byCode.get(code);
  if (values === undefined) {
    values = extract(resource, param);
    byCode.set(code, values);
  }
  return values;
}

/** medplum match.ts matchesTokenValue: `[system]|[code]`, `|[code]`, `[system]|`, `[code]`; case-insensitive. */
function tokenMatches(token: SearchableToken, wanted: string): boolean {
  const bar = wanted.indexOf('|');
  if (bar < 0) return token.value?.toLowerCase() === wanted.toLowerCase();
  const system = wanted.slice(0, bar).toLowerCase();
  const code = wanted.slice(bar + 1).toLowerCase();
  if (system === '' && code === '') return false;
  if (system === '') return token.system === undefined && token.value?.toLowerCase() === code;
  return token.system?.toLowerCase() === system && (code === '' || token.value?.toLowerCase() === code);
}

/** medplum match.ts matchesDateValue: both sides as periods (R4 search.html#prefix). */
function dateMatches(resourceValue: Period, operator: DateOperator, filter: Period): boolean {
  const start = resourceValue.start ?? '0000';
  const end = resourceValue.end ?? '9999';
  const filterStart = filter.start as string;
  const filterEnd = filter.end as string;
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

function matchesFilter(resource: Resource, filter: Filter): boolean {
  const values = indexed(resource, filter.param);
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
        const hit = (values.periods ?? []).some((p) => dateMatches(p, operator, period));
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

function referencesOf(resource: Resource, include: IncludeSpec): [string, string][] {
  const out: [string, string][] = [];
  for (const value of evalFhirPath(include.param.expression ?? '', resource)) {
    const reference = (value as Reference | undefined)?.reference;
    if (typeof reference !== 'string') continue;
    const [type, id, ...rest] = reference.split('/');
    if (rest.length > 0 || id === undefined) continue;
    if (include.targetType !== undefined && type !== include.targetType) continue;
    out.push([type, id]);
  }
  return out;
}

function resolveIncludes(
  source: ResourceSource,
  page: readonly Resource[],
  includes: readonly IncludeSpec[],
): Resource[] {
  if (includes.length === 0) return [];
  const seen = new Set(page.map((r) => `${r.resourceType}/${r.id}`));
  const included: Resource[] = [];
  let frontier: readonly Resource[] = page;
  let first = true;
  // Non-iterating includes apply to the matches only; `:iterate` ones also to what was included
  // (R4 search.html#revinclude), until nothing new turns up.
  while (frontier.length > 0) {
    const next: Resource[] = [];
    for (const resource of frontier) {
      for (const include of includes) {
        if ((!first && !include.iterate) || include.sourceType !== resource.resourceType) continue;
        for (const [type, id] of referencesOf(resource, include)) {
          const key = `${type}/${id}`;
          if (seen.has(key)) continue;
          const target = source.get(type, id);
          if (target === undefined) continue;
          seen.add(key);
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

interface Postings {
  readonly generation: number;
  readonly byReference: ReadonlyMap<string, readonly Resource[]>;
}

const postingsBySource = new WeakMap<ResourceSource, Map<string, Postings>>();

/**
 * Resources of the type that hold one of `values` in reference parameter `param`, in store
 * order: an inverted index rebuilt (from the cached values, so cheaply) after any write to the
 * type. Narrows a Slot search by schedule from every slot to one practitioner's.
 */
function byReference(
  source: ResourceSource,
  resourceType: string,
  param: SearchParameter,
  values: readonly string[],
): Iterable<Resource> {
  let perSource = postingsBySource.get(source);
  if (perSource === undefined) {
    perSource = new Map();
    postingsBySource.set(source, perSource);
  }
  const key = `${resourceType}.${param.code}`;
  const generation = source.generation(resourceType);
  let postings = perSource.get(key);
  if (postings === undefined || postings.generation !== generation) {
    const map = new Map<string, Resource[]>();
    for (const resource of source.all(resourceType)) {
      for (const reference of indexed(resource, param).strings ?? []) {
        const list = map.get(reference);
        if (list === undefined) map.set(reference, [resource]);
        else list.push(resource);
      }
    }
    postings = { generation, byReference: map };
    perSource.set(key, postings);
  }
  if (values.length === 0) return [];
  if (values.length === 1) return postings.byReference.get(values[0]) ?? [];
  const wanted = new Set(values.flatMap((v) => postings.byReference.get(v) ?? []));
  return [...source.all(resourceType)].filter((r) => wanted.has(r));
}

function filterMatches(source: ResourceSource, resourceType: string, p: Plan): Resource[] {
  if (p.empty) return [];
  const narrowing = p.filters.find((f): f is ReferenceFilter => f.kind === 'reference');
  const candidates =
    narrowing === undefined
      ? source.all(resourceType)
      : byReference(source, resourceType, narrowing.param, narrowing.values);
  const matches: Resource[] = [];
  for (const resource of candidates) {
    if (p.filters.every((filter) => matchesFilter(resource, filter))) matches.push(resource);
  }
  return p.sorts.length > 0 ? sortResources(matches, p.sorts) : matches;
}

/**
 * Extracts the values of `codes` for every resource of the type now, so the first search after
 * start-up does not pay for it (measured ~100 ms for the seed's slots).
 */
export function warmSearchIndex(
  source: ResourceSource,
  resourceType: string,
  codes: readonly string[],
): void {
  const params = codes.flatMap((code) => getSearchParameter(resourceType, code) ?? []);
  for (const resource of source.all(resourceType)) for (const param of params) indexed(resource, param);
  const references = params.filter((p) => p.type === 'reference');
  for (const param of references) byReference(source, resourceType, param, []);
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
