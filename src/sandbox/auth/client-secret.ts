// client_secret_basic (RFC 6749 section 2.3.1), offered by the Cerner-like and plain R4
// personalities (DESIGN.md section 5; cerner/cerner-smart-configuration.json lists it in
// token_endpoint_auth_methods_supported).

import { createHash, timingSafeEqual } from 'node:crypto';

export interface BasicCredentials {
  readonly clientId: string;
  readonly secret: string;
}

/**
 * Reads `Authorization: Basic base64(client_id:client_secret)`. RFC 6749 section 2.3.1 has both
 * parts form-urlencoded before they are joined, so they are decoded after the split.
 */
export function parseBasicAuthorization(header: string): BasicCredentials | undefined {
  const match = /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  try {
    return { clientId: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

/** Compares secrets in constant time (hashing first makes the lengths equal). */
export function secretMatches(expected: string, given: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(expected), digest(given));
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replaceAll('+', ' '));
}
