// An integrator-chosen id of one tool call (the IETF draft "The Idempotency-Key HTTP Header
// Field", draft-ietf-httpapi-idempotency-key-header): printable ASCII, bounded.
const KEY = /^[\x21-\x7e]{1,200}$/;

export function idempotencyKeyHeader(
  value: string | readonly string[] | undefined,
): { ok: true; key: string | undefined } | { ok: false } {
  if (value === undefined) return { ok: true, key: undefined };
  if (typeof value !== 'string' || !KEY.test(value)) return { ok: false };
  return { ok: true, key: value };
}
