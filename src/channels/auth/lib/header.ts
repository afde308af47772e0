/** Node's incoming headers (lower-case names), or any record shaped like them. */
export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

/** One header's value; a header sent twice is ambiguous for a credential, so it counts as absent. */
export function singleHeader(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.length === 1) return value[0];
  return undefined;
}
