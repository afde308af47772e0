// The JWK Set we publish for the EHRs to fetch (Epic requires a JWK Set URL for backend apps,
// DESIGN.md section 5). It holds every key of every tenant that is not retired: the key signing
// now, a key waiting for its activation (so the EHR caches it before we sign with it), and a
// superseded key until no assertion it signed can still be presented. Only public members.
import { isRetired, listKeys, type PublicJwk, toMs, toPublicJwk } from './key-store.ts';

export interface PublicJwkSet {
  keys: PublicJwk[];
}

export async function publicJwks(dirs: readonly string[], now: number | Date): Promise<PublicJwkSet> {
  const nowMs = toMs(now);
  const seen = new Set<string>();
  const keys: PublicJwk[] = [];
  for (const dir of dirs) {
    for (const record of await listKeys(dir)) {
      if (isRetired(record, nowMs) || seen.has(record.kid)) continue;
      seen.add(record.kid);
      keys.push(toPublicJwk(record.privateJwk, record));
    }
  }
  return { keys };
}
