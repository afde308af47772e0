// Harness for `ehrgate doctor` tests: the sandbox EHR in process (its authorization server on),
// backend apps registered with it as an EHR team would, and tenant configuration files written
// and loaded through the doctor's own loader, so each test builds a tenant "wrong in one way".
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { stringify } from 'yaml';
import { generateKey, publicJwks, requiredScopes, type ScopeStyle } from '../../src/auth/index.ts';
import type { ConfigFileInput, Workflow } from '../../src/config/index.ts';
import { loadDoctorConfig, runDoctor, type TenantReport } from '../../src/doctor/index.ts';
import type { DoctorOptions } from '../../src/doctor/run-doctor.ts';
import { CERNER_SANDBOX_TENANT, cernerBasePath } from '../../src/sandbox/personalities/cerner.ts';
import { EPIC_R4_PREFIX, EPIC_VISIT_TYPE_SYSTEM } from '../../src/sandbox/personalities/epic.ts';
import { VISIT_TYPE_SYSTEM } from '../../src/sandbox/scheduling/visit-types.ts';
import { type SandboxHandle, type SandboxOptions, startSandbox } from '../../src/sandbox/server.ts';

/** Short, so a dead EHR is reported fast; ample for the in-process sandbox. */
export const TEST_TIMEOUT_MS = 3_000;

export type Personality = 'epic' | 'cerner' | 'r4';
type TenantFileInput = ConfigFileInput['tenants'][number];

export type DoctorHarness = {
  readonly sandbox: SandboxHandle;
  readonly dir: string;
  /** The R4 base of a personality, as a tenant's ehr.baseUrl. */
  baseUrl(personality: Personality): string;
  /**
   * Registers a backend app with the sandbox's authorization server (as the EHR team does) with a
   * key generated in its own directory, and returns that directory for the tenant's auth.keys.
   */
  registerApp(app: {
    clientId: string;
    personality: Personality;
    allowedScopes: readonly string[];
    scopeStyle: 'v1' | 'v2' | 'both';
  }): Promise<string>;
  /** Writes a configuration file with these tenants and returns its path. */
  writeConfig(name: string, tenants: readonly TenantFileInput[]): Promise<string>;
  /** Loads `path` with the doctor's lenient loader and runs the doctor for its first tenant. */
  doctor(path: string, options?: Partial<DoctorOptions>): Promise<TenantReport>;
  close(): Promise<void>;
};

export async function startDoctorHarness(options: SandboxOptions = {}): Promise<DoctorHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'ehrgate-doctor-'));
  const sandbox = await startSandbox({ auth: {}, ...options });
  return {
    sandbox,
    dir,
    baseUrl(personality) {
      if (personality === 'epic') return `${sandbox.url}${EPIC_R4_PREFIX}`;
      if (personality === 'cerner') return `${sandbox.url}${cernerBasePath(CERNER_SANDBOX_TENANT)}`;
      return sandbox.r4BaseUrl;
    },
    async registerApp(app) {
      const keys = join(dir, 'keys', app.clientId);
      await generateKey({ dir: keys, alg: 'ES384' });
      sandbox.auth!.clients.register({
        clientId: app.clientId,
        personality: app.personality,
        auth: { jwks: await publicJwks([keys], Date.now()) },
        allowedScopes: [...app.allowedScopes],
        scopeStyle: app.scopeStyle,
      });
      return keys;
    },
    async writeConfig(name, tenants) {
      const path = join(dir, `${name}.yaml`);
      await writeFile(path, stringify({ tenants }));
      return path;
    },
    async doctor(path, overrides = {}) {
      const { config, refusedMappings } = await loadDoctorConfig({ path, env: {} });
      const tenant = config.tenants[0];
      const refused = refusedMappings.get(tenant.id);
      return runDoctor({
        tenant,
        ...(refused?.mapping === undefined ? {} : { mapping: refused.mapping }),
        configProblems: refused?.configProblems ?? [],
        timeoutMs: TEST_TIMEOUT_MS,
        ...overrides,
      });
    },
    async close() {
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The scopes `ehrgate serve` requests for these workflows, in the vendor's style. */
export function scopesFor(workflows: readonly Workflow[], style: ScopeStyle): string[] {
  return requiredScopes(
    workflows.filter((w) => w !== 'routing'),
    style,
  );
}

/**
 * What a plain R4 server must grant beyond scopesFor: the fhir-r4 adapter claims a Slot with an
 * update before booking (src/ehr/fhir-r4/slot-claim.ts); the write test also removes its records.
 */
export function r4Scopes(workflows: readonly Workflow[]): string[] {
  return scopesFor(workflows, 'v2').map((scope) =>
    scope.startsWith('system/Slot.')
      ? 'system/Slot.rus'
      : /^system\/(Condition|Observation|Coverage)\./.test(scope)
        ? scope.replace(/\.\w+$/, '.cruds')
        : scope,
  );
}

/** Subprocessors every healthy tenant lists: all covered by a BAA, the LLM without retention. */
export const BAA_SUBPROCESSORS = [
  { name: 'deepgram', role: 'stt', baa: true, baaDate: '2030-01-15', zeroRetention: true },
  { name: 'openai', role: 'llm', baa: true, baaDate: '2030-01-20', zeroRetention: true },
  { name: 'elevenlabs', role: 'tts', baa: true, baaDate: '2030-02-01', zeroRetention: true },
] as const;

/**
 * A tenant of the sandbox clinic for one personality: its visit types coded as that vendor knows
 * them (src/sandbox/scheduling/visit-types.ts), two practitioners and both locations of the seed.
 */
export function clinicTenant(
  h: DoctorHarness,
  personality: Personality,
  overrides: Partial<TenantFileInput> & { keys?: string; clientId?: string } = {},
): TenantFileInput {
  const { keys, clientId, ...rest } = overrides;
  const seed = h.sandbox.seed;
  const vendor = personality === 'r4' ? 'fhir-r4' : personality;
  const coding = (sandboxCode: string, epicCode: string) =>
    vendor === 'epic'
      ? { epic: { system: EPIC_VISIT_TYPE_SYSTEM, code: epicCode } }
      : vendor === 'cerner'
        ? { cerner: { system: VISIT_TYPE_SYSTEM, code: sandboxCode } }
        : { fhir: { system: VISIT_TYPE_SYSTEM, code: sandboxCode } };
  const [alvarez, okafor] = seed.practitioners;
  return {
    id: `${personality}-clinic`,
    name: 'Valley Health Partners',
    production: false,
    timeZone: 'America/New_York',
    ehr: {
      vendor,
      baseUrl: h.baseUrl(personality),
      auth:
        keys === undefined
          ? { method: 'none' }
          : { method: 'private_key_jwt', clientId: clientId ?? `${personality}-app`, keys, alg: 'ES384' },
    },
    workflows: ['scheduling'],
    scheduling: {
      visitTypes: [
        { id: 'new-patient', say: 'new patient visit', minutes: 20, ...coding('new-patient', '1001') },
        { id: 'follow-up', say: 'follow-up visit', minutes: 20, ...coding('follow-up', '1002') },
      ],
      practitioners: [
        { id: 'dr-alvarez', say: 'Dr. Alvarez', ehrId: alvarez.id },
        { id: 'dr-okafor', say: 'Dr. Okafor', ehrId: okafor.id },
      ],
      locations: seed.locations.map((l, i) => ({
        id: `location-${i + 1}`,
        say: l.name,
        ehrId: l.id,
        timeZone: l.timeZone,
      })),
    },
    subprocessors: BAA_SUBPROCESSORS.map((s) => ({ ...s })),
    ...rest,
  };
}

type Statement = {
  rest?: { operation?: { name?: string }[]; resource?: { type?: string; supportedProfile?: string[] }[] }[];
};

/**
 * Changes the CapabilityStatement one personality serves, as an instance configured differently
 * would serve it: a `setup` hook for startSandbox (its extension point for extra routes and hooks).
 */
export function editMetadata(prefix: string, edit: (statement: Statement) => void) {
  return (app: FastifyInstance) => {
    app.addHook('onSend', async (request, _reply, payload) => {
      if (request.url.split('?')[0] !== `${prefix}/metadata` || typeof payload !== 'string') return payload;
      const statement = JSON.parse(payload) as Statement;
      edit(statement);
      return JSON.stringify(statement);
    });
  };
}

/** Leaves operations out, as an instance where the EHR team has not enabled them. */
export function omitOperations(prefix: string, names: readonly string[]) {
  return editMetadata(prefix, (statement) => {
    for (const rest of statement.rest ?? []) {
      rest.operation = rest.operation?.filter((op) => !names.includes(op.name ?? ''));
    }
  });
}

/** The findings of one check, by severity. */
export function blockersOf(report: TenantReport, check: string) {
  return report.blockers.filter((b) => b.check === check);
}
