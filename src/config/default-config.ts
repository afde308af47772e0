import { resolve } from 'node:path';
import { buildConfig } from './lib/build-config.ts';
import { type ConfigFileInput, DEFAULT_SANDBOX_PORT, DEFAULT_TIME_ZONE, WORKFLOWS } from './schema.ts';
import type { EhrgateConfig } from './types.ts';

// `ehrgate serve` without a file: one tenant talking to the embedded sandbox EHR (DESIGN.md
// section 8), so a newcomer gets a working gateway with nothing to configure.

export const DEFAULT_TENANT_ID = 'sandbox';
// The visit-type coding the sandbox's Schedules and Slots carry as serviceType; the sandbox does
// not import gateway code, so it has to spell the same system and codes.
export const SANDBOX_VISIT_TYPE_SYSTEM = 'urn:ehrgate:sandbox:visit-type';

export type DefaultConfigOptions = {
  // Origin of the embedded sandbox, e.g. http://127.0.0.1:8090; its R4 API is at /fhir/R4.
  sandboxUrl: string;
  env?: Readonly<Record<string, string | undefined>>;
  // Directory for the embedded SQLite store; without it (and without DATABASE_URL) store.url is
  // left to the store's own default.
  dataDir?: string;
};

export const SANDBOX_CLIENT_ID = 'ehrgate-sandbox';

export function defaultConfigDocument(options: { sandboxUrl: string; keysDir: string }): ConfigFileInput {
  const origin = options.sandboxUrl.replace(/\/+$/, '');
  return {
    sandbox: { port: sandboxPort(origin) },
    tenants: [
      {
        id: DEFAULT_TENANT_ID,
        name: 'Sandbox Clinic',
        production: false,
        timeZone: DEFAULT_TIME_ZONE,
        ehr: {
          vendor: 'fhir-r4',
          baseUrl: `${origin}/fhir/R4`,
          // The same SMART Backend Services flow as a production Epic tenant: a signed
          // assertion checked against this gateway's JWK Set URL, which `ehrgate serve`
          // registers with the embedded sandbox's authorization server at start-up.
          auth: { method: 'private_key_jwt', clientId: SANDBOX_CLIENT_ID, keys: options.keysDir },
        },
        workflows: [...WORKFLOWS],
        scheduling: {
          visitTypes: [
            {
              id: 'new-patient',
              say: 'new patient visit',
              minutes: 40,
              fhir: { system: SANDBOX_VISIT_TYPE_SYSTEM, code: 'new-patient' },
            },
            {
              id: 'follow-up',
              say: 'follow-up visit',
              minutes: 20,
              fhir: { system: SANDBOX_VISIT_TYPE_SYSTEM, code: 'follow-up' },
            },
          ],
        },
        mapping: {
          chiefComplaint: { to: 'appointment-note' },
          reasonForVisit: { to: 'appointment-note' },
          insurance: { to: 'coverage' },
        },
        routing: [
          {
            intent: 'scheduling',
            to: { queue: 'front-desk' },
            hours: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], open: '08:00', close: '17:00' },
            afterHours: { queue: 'front-desk-callback' },
          },
          { intent: 'billing', to: { queue: 'billing' } },
          { intent: 'prescription-refill', to: { queue: 'nurse-line' } },
          { intent: 'clinical-question', to: { queue: 'nurse-line' } },
          { intent: 'other', to: { queue: 'front-desk' } },
        ],
        subprocessors: [],
      },
    ],
  };
}

export function defaultConfig(options: DefaultConfigOptions): EhrgateConfig {
  const keysDir = resolve(options.dataDir ?? 'data', 'keys', DEFAULT_TENANT_ID);
  return buildConfig(defaultConfigDocument({ sandboxUrl: options.sandboxUrl, keysDir }), {
    baseDir: process.cwd(),
    env: options.env ?? process.env,
    source: { kind: 'default' },
    dataDir: options.dataDir === undefined ? undefined : resolve(options.dataDir),
  });
}

function sandboxPort(origin: string): number {
  if (!URL.canParse(origin)) return DEFAULT_SANDBOX_PORT;
  const { port } = new URL(origin);
  return port === '' ? DEFAULT_SANDBOX_PORT : Number(port);
}
