import type { FastifyInstance } from 'fastify';
import { publicJwks } from '../auth/index.ts';

// The JWK Set URL given to the EHR team (Epic fetches backend-app keys from one, DESIGN.md
// section 5). It lists every tenant's current and next public keys and is read from disk on
// each request, so `ehrgate keys rotate` takes effect without a restart.
export const JWKS_PATH = '/.well-known/jwks.json';
// EHRs cache the set; a short max-age lets a rotation's new key appear well within the overlap.
const JWKS_MAX_AGE_S = 300;

export function registerJwksRoute(app: FastifyInstance, keyDirs: readonly string[], now: () => number): void {
  app.get(JWKS_PATH, async (_request, reply) => {
    const jwks = await publicJwks(keyDirs, now());
    return reply.header('cache-control', `public, max-age=${JWKS_MAX_AGE_S}`).send(jwks);
  });
}
