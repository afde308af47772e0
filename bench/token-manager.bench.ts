// Token manager: the cost it adds to every FHIR call once a token is cached, and the
// single-flight guarantee of DESIGN.md section 10 (1,000 concurrent calls at expiry -> exactly
// 1 token request), measured against the sandbox's real authorization server.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTenantAuth, generateKey, publicJwks } from '../src/auth/index.ts';
import { createFhirClient } from '../src/fhir/index.ts';
import { startSandbox } from '../src/sandbox/server.ts';
import type { Benchmark } from './lib/harness.ts';

const CACHED_CALLS = 1_000_000;
const BURST = 1_000;
const LIFETIME_MS = 3_600_000;

const bench: Benchmark = {
  title: 'token manager',
  async run() {
    let now = Date.parse('2030-03-04T14:00:00Z');
    const clock = () => now;
    const keysDir = await mkdtemp(join(tmpdir(), 'ehrgate-bench-keys-'));
    const sandbox = await startSandbox({ referenceDate: new Date(now), auth: { now: clock } });
    try {
      await generateKey({ dir: keysDir, alg: 'ES384', now });
      sandbox.auth!.clients.register({
        clientId: 'bench',
        personality: 'r4',
        auth: { jwks: await publicJwks([keysDir], now) },
        allowedScopes: ['system/Patient.rs'],
        scopeStyle: 'v2',
      });
      const { tokenManager } = createTenantAuth({
        baseUrl: sandbox.r4BaseUrl,
        auth: { method: 'private_key_jwt', clientId: 'bench', keysDir, alg: 'ES384' },
        scopes: ['system/Patient.rs'],
        now: clock,
      });
      const fhir = createFhirClient({
        baseUrl: sandbox.r4BaseUrl,
        getAccessToken: (o) => tokenManager.getAccessToken(o),
      });
      const patientId = sandbox.seed.patients[0].id;
      const firstStarted = performance.now();
      await fhir.read('Patient', patientId);
      const firstTokenMs = performance.now() - firstStarted;

      const started = performance.now();
      for (let i = 0; i < CACHED_CALLS; i++) await tokenManager.getAccessToken({ forceRefresh: false });
      const cachedNs = ((performance.now() - started) * 1e6) / CACHED_CALLS;

      const tokenRequests = () => sandbox.stats.snapshot().requests['POST /fhir/R4/auth/token'] ?? 0;
      const before = tokenRequests();
      now += LIFETIME_MS;
      const burstStarted = performance.now();
      await Promise.all(Array.from({ length: BURST }, () => fhir.read('Patient', patientId)));
      const burstMs = performance.now() - burstStarted;
      const duringBurst = tokenRequests() - before;
      await fhir.close();

      return [
        { name: 'first read incl. discovery + token', value: firstTokenMs, unit: 'ms' },
        { name: 'getAccessToken, cached token', value: cachedNs, unit: 'ns/call' },
        {
          name: `token requests, ${BURST} concurrent calls at expiry`,
          value: duringBurst,
          unit: 'requests',
          target: 'exactly 1',
        },
        { name: `${BURST} reads across the expiry`, value: burstMs, unit: 'ms' },
      ];
    } finally {
      await sandbox.close();
      await rm(keysDir, { recursive: true, force: true });
    }
  },
};

export default bench;
