// Issued access tokens. They are opaque random strings looked up in this table (not JWTs), so
// revoking them, the sandbox's "token revocation" fault (DESIGN.md section 8), is a delete.

import { randomBytes } from 'node:crypto';
import type { SandboxClock } from './clock.ts';
import type { Personality } from './personality.ts';
import type { ScopeStyle } from './scopes.ts';

/** 256 bits of randomness per token (RFC 6749 section 10.10 asks for unguessable tokens). */
export const ACCESS_TOKEN_BYTES = 32;

/** Expired tokens are swept from the table once it holds this many entries. */
const SWEEP_THRESHOLD = 1_024;

export interface AccessToken {
  readonly token: string;
  readonly clientId: string;
  readonly personality: Personality;
  readonly scopes: readonly string[];
  /** The client's registered scope style, so a 403 can name the missing scope in its terms. */
  readonly scopeStyle: ScopeStyle;
  readonly issuedAtMs: number;
  readonly expiresAtMs: number;
}

export interface TokenGrant {
  readonly clientId: string;
  readonly personality: Personality;
  readonly scopes: readonly string[];
  readonly scopeStyle: ScopeStyle;
  readonly lifetimeSeconds: number;
}

export class TokenStore {
  readonly clock: SandboxClock;
  readonly #tokens = new Map<string, AccessToken>();

  constructor(options: { readonly clock: SandboxClock }) {
    this.clock = options.clock;
  }

  issue(grant: TokenGrant): AccessToken {
    const issuedAtMs = this.clock.now();
    if (this.#tokens.size >= SWEEP_THRESHOLD) this.#sweep(issuedAtMs);
    const token: AccessToken = Object.freeze({
      token: randomBytes(ACCESS_TOKEN_BYTES).toString('base64url'),
      clientId: grant.clientId,
      personality: grant.personality,
      scopes: Object.freeze([...grant.scopes]),
      scopeStyle: grant.scopeStyle,
      issuedAtMs,
      expiresAtMs: issuedAtMs + grant.lifetimeSeconds * 1_000,
    });
    this.#tokens.set(token.token, token);
    return token;
  }

  /** The live token, or `undefined` when it is unknown, revoked or expired by the sandbox clock. */
  find(token: string): AccessToken | undefined {
    const found = this.#tokens.get(token);
    if (found === undefined) return undefined;
    if (found.expiresAtMs <= this.clock.now()) return undefined;
    return found;
  }

  /** Revokes every token, or only those of one client; returns how many were revoked. */
  revoke(filter: { readonly clientId?: string } = {}): number {
    if (filter.clientId === undefined) {
      const count = this.#tokens.size;
      this.#tokens.clear();
      return count;
    }
    let count = 0;
    for (const [key, token] of this.#tokens) {
      if (token.clientId === filter.clientId) {
        this.#tokens.delete(key);
        count += 1;
      }
    }
    return count;
  }

  #sweep(nowMs: number): void {
    for (const [key, token] of this.#tokens) {
      if (token.expiresAtMs <= nowMs) this.#tokens.delete(key);
    }
  }
}
