// The Origin check of /mcp. MCP 2025-11-25, basic/transports, Streamable HTTP "Security Warning":
// servers MUST validate the Origin header of every incoming connection and answer 403 when it is
// present and invalid, or a web page the user visits can reach a local or intranet ehrgate through
// DNS rebinding. Browsers always send Origin on a cross-origin POST; a voice platform calling
// server to server sends none, and is served as before. An Origin is allowed only when listed:
// "the endpoint's own origin" cannot be read off the request, since under DNS rebinding the Host
// header names the attacker's domain as well. The SDK's own check (StreamableHTTPServerTransport
// `allowedOrigins`) lives in a transport that exists only after initialize has built a server;
// this one runs before the credential is looked at.
import type { FastifyRequest } from 'fastify';
import { EhrgateError } from '../../errors.ts';

/** The serialised origin of a URL string (RFC 6454 section 6.1), or undefined when it has none. */
function originOf(value: string): string | undefined {
  if (!URL.canParse(value)) return undefined;
  const origin = new URL(value).origin;
  return origin === 'null' ? undefined : origin;
}

function allowlist(entries: readonly string[]): ReadonlySet<string> {
  const origins = new Set<string>();
  for (const entry of entries) {
    const origin = originOf(entry);
    // A path, query or wildcard means the entry is not what the browser will send.
    if (origin === undefined || new URL(entry).href !== `${origin}/`) {
      throw new EhrgateError(
        'ERR_CONFIG_INVALID',
        `MCP allowedOrigins: "${entry}" is not an origin (https://host[:port])`,
      );
    }
    origins.add(origin);
  }
  return origins;
}

/**
 * Validates `allowedOrigins` now; the returned check answers a request with the one-line reason it
 * is refused, or undefined when it may proceed (no Origin, or a listed one).
 */
export function createOriginCheck(
  allowedOrigins: readonly string[] = [],
): (request: FastifyRequest) => string | undefined {
  const allowed = allowlist(allowedOrigins);
  return (request) => {
    const header = request.headers.origin;
    if (header === undefined) return undefined;
    const origin = originOf(header);
    if (origin !== undefined && allowed.has(origin)) return undefined;
    return `Origin ${header} is not allowed to call this MCP endpoint`;
  };
}
