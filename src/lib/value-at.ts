// The value at a schema issue's path inside the input it was raised on: whether a field was sent
// at all decides between "required" and "expected <type>" in the messages callers read.

/** `value` followed along `path`; undefined where the path leaves the objects. */
export function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let at = value;
  for (const key of path) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}
