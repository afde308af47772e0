// What the sandbox derives from one stored resource, kept by object identity: its search
// parameter values (search.ts, keyed by parameter code) and its encoded searchset entries
// (entry-json.ts, keyed by ENTRY_KEY_PREFIX + mode + fullUrl; parameter codes never start
// with it). The store never changes a stored object (a write stores a new one: fhir-store.ts),
// so nothing here can go stale; it goes with the object.
//
// One Map per resource rather than one per concern: answering a 100-slot search touches each
// matched slot's record for its include targets, then for its entry bytes, and once the client's
// work has evicted the CPU caches a second WeakMap and Map measured ~50 us more per answer.

export const ENTRY_KEY_PREFIX = '\u0000entry ';

const derived = new WeakMap<object, Map<string, unknown>>();

export function derivedFrom(resource: object): Map<string, unknown> {
  let record = derived.get(resource);
  if (record === undefined) {
    record = new Map();
    derived.set(resource, record);
  }
  return record;
}
