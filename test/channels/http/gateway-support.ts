// The whole gateway (startGateway: config file, store, tenant runtimes, tool runtime, channel
// authentication, every channel) against a sandbox EHR started in this process, so a test can
// drive a full call through a channel and look at what the EHR received. The configuration file
// is written to a temporary directory; the MCP stdio test hands the same file to `ehrgate mcp`.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Patient } from '@medplum/fhirtypes';
import type { Logger } from 'pino';
import { stringify } from 'yaml';
import { type SandboxHandle, startSandbox } from '../../../src/sandbox/server.ts';
import { createLogger } from '../../../src/server/logger.ts';
import { type RunningGateway, startGateway } from '../../../src/server/start-gateway.ts';
import { tenantFor } from '../../workflows/scheduling/support.ts';

export const GATEWAY_KEYS = {
  http: 'http-key-gateway-0123456789abcdef',
  mcp: 'mcp-key-gateway-0123456789abcdef',
} as const;

/** What the gateway process needs in its environment: the keys the file references, a tool secret. */
export const GATEWAY_ENV = {
  TEST_HTTP_API_KEY: GATEWAY_KEYS.http,
  TEST_MCP_API_KEY: GATEWAY_KEYS.mcp,
  EHRGATE_TOOL_SECRET: 'test-tool-secret-0123456789abcdef-not-for-production',
} as const;

/** A caller the sandbox knows, as they would say who they are. */
export type Caller = { readonly id: string; readonly name: string; readonly birthDate: string };

export type GatewayFixture = {
  readonly sandbox: SandboxHandle;
  readonly dir: string;
  readonly configPath: string;
  readonly tenantId: string;
  /** A seeded patient with a unique name (patients 0 and 1 of the seed share one). */
  caller(index: number): Caller;
  /** Booked appointments of a patient in the sandbox, the seed's own included. */
  bookedFor(patientId: string): number;
  /** Starts the gateway on the fixture's configuration. */
  startGateway(): Promise<RunningGateway>;
  close(): Promise<void>;
};

export type GatewayFixtureOptions = {
  /** Fields added to (or replacing) the tenant's block of the configuration file. */
  readonly tenant?: Readonly<Record<string, unknown>>;
  /** The configuration file's `server` block. */
  readonly server?: Readonly<Record<string, unknown>>;
  /** Default: a silent logger. */
  readonly logger?: Logger;
};

export async function startGatewayFixture(options: GatewayFixtureOptions = {}): Promise<GatewayFixture> {
  // The sandbox's clinic starts today, as the gateway's clock does.
  const sandbox = await startSandbox({ auth: false });
  const dir = await mkdtemp(join(tmpdir(), 'ehrgate-channels-'));
  const tenant = tenantFor(sandbox);
  const file = {
    ...(options.server === undefined ? {} : { server: options.server }),
    store: { url: `sqlite:${join(dir, 'ehrgate.sqlite')}` },
    tenants: [
      {
        id: tenant.id,
        name: tenant.name,
        production: false,
        timeZone: tenant.timeZone,
        ehr: tenant.ehr,
        workflows: ['scheduling', 'identity', 'intake', 'insurance', 'routing'],
        scheduling: tenant.scheduling,
        mapping: {
          chiefComplaint: { to: 'appointment-note' },
          reasonForVisit: { to: 'appointment-note' },
          insurance: { to: 'coverage' },
        },
        routing: [{ intent: 'scheduling', to: { queue: 'front-desk' } }],
        channels: {
          http: { apiKeys: ['env:TEST_HTTP_API_KEY'] },
          mcp: { apiKeys: ['env:TEST_MCP_API_KEY'] },
        },
        ...options.tenant,
      },
    ],
  };
  const configPath = join(dir, 'ehrgate.yaml');
  await writeFile(configPath, stringify(file));
  const patients = [...sandbox.store.all('Patient')] as Patient[];
  return {
    sandbox,
    dir,
    configPath,
    tenantId: tenant.id,
    caller(index) {
      assert.ok(index >= 2, 'patients 0 and 1 of the seed share a name');
      const patient = patients[index];
      const name = patient?.name?.[0];
      assert.ok(patient?.id && name?.family && name.given?.[0] && patient.birthDate);
      return { id: patient.id, name: `${name.given[0]} ${name.family}`, birthDate: patient.birthDate };
    },
    bookedFor: (patientId) =>
      [...sandbox.store.all('Appointment')].filter(
        (a) =>
          (a as { status?: string }).status === 'booked' &&
          (a as { participant?: { actor?: { reference?: string } }[] }).participant?.some(
            (p) => p.actor?.reference === `Patient/${patientId}`,
          ),
      ).length,
    startGateway: () =>
      startGateway({
        configPath,
        port: 0,
        host: '127.0.0.1',
        dataDir: dir,
        env: GATEWAY_ENV,
        logger: options.logger ?? createLogger({ level: 'silent' }),
      }),
    async close() {
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Calls one tool through a channel and returns its output (with `say`). */
export type ChannelTool = (name: string, args: Record<string, unknown>) => Promise<Record<string, unknown>>;

/**
 * The call of issue 6 "Done when", through any channel: verify the caller -> find slots -> book
 * -> record intake -> record insurance -> end the call; then the booking is in the EHR once.
 */
export async function runFullCall(fixture: GatewayFixture, caller: Caller, tool: ChannelTool): Promise<void> {
  // The seed books some patients already; count what this call adds.
  const bookedBefore = fixture.bookedFor(caller.id);
  const verified = await tool('find_patient', { name: caller.name, birthDate: caller.birthDate });
  assert.equal(verified.status, 'verified', JSON.stringify(verified));

  const slots = await tool('find_slots', { visitType: 'follow-up' });
  assert.equal(slots.status, 'found', JSON.stringify(slots));
  const offer = (slots.offers as { offer: string }[])[0];
  assert.ok(offer, JSON.stringify(slots));

  const booked = await tool('book_appointment', { offer: offer.offer, reason: 'knee pain' });
  assert.equal(booked.status, 'confirmed', JSON.stringify(booked));
  assert.match(String(booked.say), /^You're booked for /);
  const appointmentId = (booked.data as { appointmentId: string }).appointmentId;

  const intake = await tool('record_intake', { chiefComplaint: 'knee pain for a week', appointmentId });
  assert.equal(intake.status, 'confirmed', JSON.stringify(intake));

  const insurance = await tool('record_insurance', {
    payerName: 'Aetna',
    memberId: 'W123456789',
    subscriber: 'self',
  });
  assert.equal(insurance.status, 'confirmed', JSON.stringify(insurance));

  const ended = await tool('end_call', { reason: 'completed' });
  assert.equal(ended.status, 'ended', JSON.stringify(ended));
  const summary = ended.summary as { verified: boolean; pending: string[] };
  assert.equal(summary.verified, true);
  assert.deepEqual(summary.pending, []);
  assert.equal(fixture.bookedFor(caller.id) - bookedBefore, 1);
}
