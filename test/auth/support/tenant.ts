// One tenant wired for real: a key directory in a temp dir, the test token server, and the
// auth client from createTenantAuth, all on one frozen clock.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTenantAuth,
  type TenantAuth,
  type TenantAuthOptions,
} from '../../../src/auth/create-tenant-auth.ts';
import { publicJwks } from '../../../src/auth/jwks.ts';
import { generateKey, type KeyAlg } from '../../../src/auth/key-store.ts';
import type { TokenManagerEvent } from '../../../src/auth/token-manager.ts';
import { createTestClock, type TestClock } from './clock.ts';
import { startTokenServer, type TokenServer, type TokenServerOptions } from './token-server.ts';

export const CLIENT_ID = 'ehrgate-test-client';
export const CLIENT_SECRET = 'test secret: not real';
export const SCOPES = ['system/Slot.rs', 'system/Schedule.rs', 'system/Appointment.crus', 'system/Patient.r'];

export interface TestTenant extends TenantAuth {
  server: TokenServer;
  clock: TestClock;
  keysDir: string;
  events: TokenManagerEvent[];
  close: () => Promise<void>;
}

export interface TestTenantOptions {
  alg?: KeyAlg;
  method?: 'private_key_jwt' | 'client_secret_basic';
  server?: Partial<Omit<TokenServerOptions, 'clientId' | 'now'>>;
  tokenManager?: TenantAuthOptions['tokenManager'];
}

export async function startTestTenant(options: TestTenantOptions = {}): Promise<TestTenant> {
  const clock = createTestClock();
  const root = await mkdtemp(join(tmpdir(), 'ehrgate-tenant-'));
  const keysDir = join(root, 'keys');
  await generateKey({ dir: keysDir, alg: options.alg ?? 'ES384', now: clock.now() });
  const server = await startTokenServer({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    now: clock.now,
    jwks: () => publicJwks([keysDir], clock.now()),
    ...options.server,
  });
  const events: TokenManagerEvent[] = [];
  const method = options.method ?? 'private_key_jwt';
  const auth = createTenantAuth({
    baseUrl: server.baseUrl,
    auth:
      method === 'private_key_jwt'
        ? { method, clientId: CLIENT_ID, keysDir }
        : { method, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
    scopes: SCOPES,
    now: clock.now,
    sleep: clock.sleep,
    tokenManager: { random: () => 1, onEvent: (event) => events.push(event), ...options.tokenManager },
  });
  return {
    ...auth,
    server,
    clock,
    keysDir,
    events,
    close: async () => {
      await server.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Lets a background renewal finish (it is real HTTP); polls, never sleeps long. */
export async function settled(tenant: TenantAuth): Promise<void> {
  for (let i = 0; i < 5_000 && tenant.tokenManager.state().status === 'renewing'; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

export async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 5_000 && !condition(); i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  if (!condition()) throw new Error('condition not reached within 5 s');
}
