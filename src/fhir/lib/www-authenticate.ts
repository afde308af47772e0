// WWW-Authenticate challenges (RFC 9110 section 11.6.1): `Bearer realm="x", error="invalid_token"`.
// Epic signals a missing scope only here (RFC 6750 section 3.1 `insufficient_scope`, DESIGN.md
// section 5), so the parser is lenient: a malformed header yields what could be read, never throws.

export type AuthChallenge = { scheme: string; params: Record<string, string> };

const TOKEN_CHAR = /[!#$%&'*+.^_`|~0-9A-Za-z-]/;

export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let current: AuthChallenge | undefined;
  let pos = 0;

  const skip = (chars: RegExp): void => {
    while (pos < header.length && chars.test(header[pos])) pos++;
  };
  const readToken = (): string => {
    const start = pos;
    while (pos < header.length && TOKEN_CHAR.test(header[pos])) pos++;
    return header.slice(start, pos);
  };
  const readQuoted = (): string => {
    let value = '';
    pos++; // opening quote
    while (pos < header.length && header[pos] !== '"') {
      if (header[pos] === '\\' && pos + 1 < header.length) pos++;
      value += header[pos];
      pos++;
    }
    pos++; // closing quote
    return value;
  };

  while (pos < header.length) {
    skip(/[\s,]/);
    const token = readToken();
    if (token === '') {
      pos++; // a character no grammar rule allows here: step over it
      continue;
    }
    skip(/[ \t]/);
    if (header[pos] === '=' && current !== undefined) {
      pos++;
      skip(/[ \t]/);
      const value = header[pos] === '"' ? readQuoted() : readToken();
      current.params[token.toLowerCase()] = value;
    } else {
      current = { scheme: token, params: {} };
      challenges.push(current);
      // token68 form (`Basic dXNlcg==`) carries no params we need; step over it.
      if (/[A-Za-z0-9\-._~+/]/.test(header[pos] ?? '') && !/^[^=,\s]+\s*=\s*[^=]/.test(header.slice(pos))) {
        while (pos < header.length && !/[\s,]/.test(header[pos])) pos++;
      }
    }
  }
  return challenges;
}

/** The Bearer challenge's params, if the header has one. */
export function bearerChallenge(header: string | null): Record<string, string> | undefined {
  if (header === null) return undefined;
  return parseWwwAuthenticate(header).find((c) => c.scheme.toLowerCase() === 'bearer')?.params;
}
