// One unauthenticated GET with a hard deadline, classified so a check can say exactly what went
// wrong (refused, certificate, timeout, HTML portal page) instead of throwing. Used for the
// public endpoints the doctor reads before it has a token: `/metadata` and JWK Set URLs.

export type GetResult =
  | {
      readonly kind: 'response';
      readonly status: number;
      readonly headers: Headers;
      readonly text: string;
      /** Request start to body end. */
      readonly ms: number;
    }
  | { readonly kind: 'timeout'; readonly timeoutMs: number }
  | { readonly kind: 'network'; readonly code: string | undefined; readonly message: string };

export async function timedGet(
  fetchImpl: typeof fetch,
  url: string,
  options: { readonly timeoutMs: number; readonly accept?: string },
): Promise<GetResult> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  const started = performance.now();
  try {
    const response = await fetchImpl(url, {
      headers: { accept: options.accept ?? 'application/fhir+json, application/json' },
      signal,
    });
    const text = await response.text();
    return {
      kind: 'response',
      status: response.status,
      headers: response.headers,
      text,
      ms: performance.now() - started,
    };
  } catch (error) {
    if (signal.aborted) return { kind: 'timeout', timeoutMs: options.timeoutMs };
    return { kind: 'network', code: networkCode(error), message: innermostMessage(error) };
  }
}

/** undici wraps the socket error: `TypeError: fetch failed` with `cause.code` (ECONNREFUSED...). */
export function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function innermostMessage(error: unknown): string {
  let current: unknown = error;
  let message = String(error);
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    message = current.message;
    current = current.cause;
  }
  return message;
}

/** A portal, login or load-balancer page where the EHR should have answered JSON. */
export function isHtml(headers: Headers, text: string): boolean {
  return /html/i.test(headers.get('content-type') ?? '') || /^\s*<(!doctype|html|head|body)/i.test(text);
}

/** The page's `<title>`: the server's own words, without dumping the page. */
export function htmlTitle(text: string): string | undefined {
  return /<title[^>]*>([^<]{1,200})<\/title>/i.exec(text)?.[1]?.trim() || undefined;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** What each socket-level code means to someone who has to fix it. */
export function describeNetworkCode(code: string | undefined): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'the connection was refused (nothing listens at that address and port)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name does not resolve (DNS)';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'the host is unreachable from this network';
    case 'ECONNRESET':
      return 'the connection was reset';
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'the TCP connection timed out (a firewall may be dropping it)';
    default:
      return code === undefined ? 'the request failed' : `the request failed (${code})`;
  }
}

const CERTIFICATE_CODES: Readonly<Record<string, string>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'the certificate chain ends in a self-signed certificate that is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the certificate is not signed by a trusted authority',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the certificate is signed by an authority this host does not trust',
  CERT_HAS_EXPIRED: 'the certificate has expired',
  CERT_NOT_YET_VALID: 'the certificate is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate is for another host name',
};

/** A TLS verification failure, in words; undefined for anything that is not one. */
export function describeCertificateCode(code: string | undefined): string | undefined {
  return code === undefined ? undefined : CERTIFICATE_CODES[code];
}
