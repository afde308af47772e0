// Field by field: what we sent against what the EHR reads back. Every leaf of the sent resource
// is looked up at the same path in the stored one: kept, changed (an instant written another way
// counts as kept), or dropped. What the EHR adds (id, meta, its own codings) is not our concern.

export type FieldVerdict = 'kept' | 'changed' | 'dropped';

export type FieldRow = {
  readonly resource: string;
  readonly field: string;
  readonly sent: string;
  readonly got: string;
  readonly verdict: FieldVerdict;
};

const IGNORED_ROOT_KEYS = new Set(['resourceType', 'id', 'meta', 'text']);
const MAX_VALUE_CHARS = 60;

export function compareResource(label: string, sent: object, got: object): FieldRow[] {
  const rows: FieldRow[] = [];
  for (const [path, value] of leaves(sent, '')) {
    if (IGNORED_ROOT_KEYS.has(path.split(/[.[]/)[0])) continue;
    rows.push(compareValue(label, path, value, valueAt(got, path)));
  }
  return rows;
}

export function compareValue(label: string, field: string, sent: unknown, got: unknown): FieldRow {
  const verdict: FieldVerdict =
    got === undefined || got === null ? 'dropped' : sameValue(sent, got) ? 'kept' : 'changed';
  return { resource: label, field, sent: show(sent), got: got === undefined ? '' : show(got), verdict };
}

function* leaves(value: unknown, path: string): Generator<[string, unknown]> {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) yield* leaves(item, `${path}[${index}]`);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value))
      yield* leaves(item, path === '' ? key : `${path}.${key}`);
  } else if (value !== undefined) {
    yield [path, value];
  }
}

function valueAt(root: unknown, path: string): unknown {
  let current: unknown = root;
  for (const part of path.match(/[^.[\]]+/g) ?? []) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'string' && typeof b === 'string' && DATE_TIME.test(a) && DATE_TIME.test(b)) {
    return Date.parse(a) === Date.parse(b);
  }
  return false;
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}
