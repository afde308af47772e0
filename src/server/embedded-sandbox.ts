import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { EhrgateError } from '../errors.ts';
import type { TenantRuntime } from './tenant-runtime.ts';

// The sandbox EHR runs in its own process (DESIGN.md section 8): the gateway's memory figures
// stay honest, and tests can kill the EHR under a running gateway.
const SANDBOX_ENTRY = fileURLToPath(new URL('../sandbox/main.ts', import.meta.url));
export const DEFAULT_SANDBOX_START_TIMEOUT_MS = 30_000;
const DEFAULT_SANDBOX_STOP_TIMEOUT_MS = 5_000;

export type EmbeddedSandboxOptions = {
  port: number;
  host: string;
  seed?: number;
  startTimeoutMs?: number;
  extraArgs?: string[];
};

export type EmbeddedSandbox = {
  readonly url: string;
  readonly pid: number;
  readonly child: ChildProcess;
  stop(): Promise<void>;
};

type ReadyLine = { event: 'sandbox.ready'; url: string } | { event: 'sandbox.error'; message: string };

export async function startEmbeddedSandbox(options: EmbeddedSandboxOptions): Promise<EmbeddedSandbox> {
  const args = [SANDBOX_ENTRY, '--port', String(options.port), '--host', options.host];
  if (options.seed !== undefined) args.push('--seed', String(options.seed));
  args.push(...(options.extraArgs ?? []));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const timeoutMs = options.startTimeoutMs ?? DEFAULT_SANDBOX_START_TIMEOUT_MS;

  const ready = await new Promise<ReadyLine>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new EhrgateError('ERR_SANDBOX', `embedded sandbox EHR did not start within ${timeoutMs} ms`));
    }, timeoutMs);
    const settle = () => {
      clearTimeout(timer);
      lines.removeAllListeners('line');
      child.removeAllListeners('exit');
    };
    lines.on('line', (line) => {
      const parsed = parseReadyLine(line);
      if (!parsed) return;
      settle();
      resolve(parsed);
    });
    child.once('exit', (code, signal) => {
      settle();
      reject(
        new EhrgateError(
          'ERR_SANDBOX',
          `embedded sandbox EHR exited before it was ready (${signal ?? `exit code ${code}`})`,
        ),
      );
    });
  });

  if (ready.event === 'sandbox.error') {
    child.kill('SIGKILL');
    const code = ready.message.includes('in use') ? 'ERR_PORT_IN_USE' : 'ERR_SANDBOX';
    throw new EhrgateError(code, `embedded sandbox EHR: ${ready.message}`);
  }
  // Later lines are the sandbox's own business; keep draining so its stdout never blocks.
  child.stdout?.resume();

  return {
    url: ready.url,
    pid: child.pid!,
    child,
    stop: () => stopChild(child),
  };
}

function parseReadyLine(line: string): ReadyLine | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(line) as { event?: unknown; url?: unknown; message?: unknown };
    if (value.event === 'sandbox.ready' && typeof value.url === 'string') {
      return { event: 'sandbox.ready', url: value.url };
    }
    if (value.event === 'sandbox.error') {
      return { event: 'sandbox.error', message: String(value.message ?? 'unknown error') };
    }
  } catch {
    // Not a control line.
  }
  return undefined;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), DEFAULT_SANDBOX_STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

// Registers each tenant that talks to the embedded sandbox as a backend client of its
// authorization server, the way an EHR team registers an app: by client id, the gateway's JWK
// Set URL and the scopes the app asked for. (A real EHR needs a person for this step.)
export async function registerWithSandbox(
  sandboxUrl: string,
  tenants: readonly TenantRuntime[],
  jwksUrl: string,
): Promise<void> {
  for (const tenant of tenants) {
    const { ehr } = tenant.config;
    if (!ehr.baseUrl.startsWith(sandboxUrl) || ehr.auth.method === 'none') continue;
    const auth = ehr.auth.method === 'private_key_jwt' ? { jwksUrl } : { secret: ehr.auth.clientSecret };
    const response = await fetch(`${sandboxUrl}/_sandbox/clients`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        clientId: ehr.auth.clientId,
        personality: SANDBOX_PERSONALITY[ehr.vendor],
        auth,
        allowedScopes: tenant.requestedScopes,
        scopeStyle: 'both',
      }),
      signal: AbortSignal.timeout(DEFAULT_SANDBOX_STOP_TIMEOUT_MS),
    });
    if (!response.ok) {
      throw new EhrgateError(
        'ERR_SANDBOX',
        `embedded sandbox EHR refused client ${ehr.auth.clientId}: ${response.status} ${await response.text()}`,
      );
    }
  }
}

const SANDBOX_PERSONALITY = { epic: 'epic', cerner: 'cerner', 'fhir-r4': 'r4' } as const;
