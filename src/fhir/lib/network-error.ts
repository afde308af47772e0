// Recognising a transport failure. Node's fetch (undici) rejects with TypeError('fetch failed')
// whose `cause` holds the socket error and its code; a body cut off mid-stream rejects with
// TypeError('terminated') (cf. sindresorhus/is-network-error). undici's request() rejects with
// the socket error itself (ECONNREFUSED) or with an UND_ERR_* error (UND_ERR_SOCKET: the
// connection closed mid-response).

const NETWORK_MESSAGES: ReadonlySet<string> = new Set(['fetch failed', 'terminated']);
const MAX_CAUSE_DEPTH = 5;
// undici's codes for a request it refused to send: a bug or a bad header value, never the network.
const NOT_SENT_CODES: ReadonlySet<string> = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED']);

/** The first string `code` along the cause chain: ECONNRESET, ECONNREFUSED, UND_ERR_SOCKET... */
export function networkCodeOf(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && current instanceof Error; depth++) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = current.cause;
  }
  return undefined;
}

export function isNetworkFailure(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'TypeError' && NETWORK_MESSAGES.has(err.message)) return true;
  const code = networkCodeOf(err);
  return (
    code !== undefined &&
    !NOT_SENT_CODES.has(code) &&
    err.name !== 'AbortError' &&
    err.name !== 'TimeoutError'
  );
}
