// One call's token vault. Tokens keep the readable form `[TYPE_n]` but n is drawn at random for
// each new value, never derived from it (45 CFR 164.514(c): a re-identification code must not be
// derived from the individual's information), and unique among the vaults alive in the firewall,
// so a token copied from another call is unknown here and reveals nothing.
import type { PhiType } from './types.ts';

export const TOKEN_PATTERN = /\[(NAME|DOB|PHONE|MRN|MEMBER_ID|ADDRESS|EMAIL|SSN|DATE)_(\d{1,12})\]/g;

// the same value whatever its case and spacing; most values need no change beyond lower case
const UNEVEN_SPACE = /\s\s|[^\S ]|^\s|\s$/;
function normalize(value: string): string {
  const lower = value.toLowerCase();
  return UNEVEN_SPACE.test(lower) ? lower.replace(/\s+/g, ' ').trim() : lower;
}

export type TokenIssuer = { next(type: PhiType): string; release(token: string): void };

export class CallVault {
  readonly #byKey = new Map<string, string>();
  readonly #byToken = new Map<string, string>();
  readonly #issuer: TokenIssuer;

  constructor(issuer: TokenIssuer) {
    this.#issuer = issuer;
  }

  tokenFor(type: PhiType, value: string): string {
    // the same value in one call gets the same token, whatever its spacing or case
    const key = `${type}\u0000${normalize(value)}`;
    let token = this.#byKey.get(key);
    if (token === undefined) {
      token = this.#issuer.next(type);
      this.#byKey.set(key, token);
      this.#byToken.set(token, value);
    }
    return token;
  }

  valueOf(token: string): string | undefined {
    return this.#byToken.get(token);
  }

  get size(): number {
    return this.#byToken.size;
  }

  destroy(): void {
    for (const token of this.#byToken.keys()) this.#issuer.release(token);
    this.#byKey.clear();
    this.#byToken.clear();
  }
}
