import { z } from 'zod';
import { mappingProblems } from '../mapping/validate-mapping.ts';
import {
  clockTime,
  codingSystem,
  configPath,
  isLoopbackUrl,
  literalOrReference,
  origin,
  phone,
  port,
  positiveInt,
  secret,
  serviceUrl,
  slug,
  storeUrl,
  strictObject,
  text,
  timeZone,
  uniqueField,
  uniqueValues,
} from './lib/fields.ts';

// The deployment file of DESIGN.md section 6, one block per tenant (health system). This schema
// describes the file as written; load-config.ts then resolves secrets and paths (see
// lib/references.ts). Cross-vendor semantic checks (an Epic visit type needs an Epic coding, and
// so on) are a later issue; here: shape, and what one field obviously demands of another.

export const VENDORS = ['epic', 'cerner', 'fhir-r4'] as const;
export const WORKFLOWS = ['scheduling', 'identity', 'intake', 'insurance', 'routing'] as const;
export const AUTH_METHODS = ['private_key_jwt', 'client_secret_basic', 'none'] as const;
// Epic and Cerner both accept RS384 and ES384 client assertions (DESIGN.md section 5).
export const JWT_ALGS = ['RS384', 'ES384'] as const;
export const MAPPING_TARGETS = [
  'condition',
  'observation',
  'appointment-note',
  'work-queue',
  'coverage',
] as const;
// US Core Condition categories; Cerner creates Conditions only for the first two (DESIGN.md §5).
export const CONDITION_CATEGORIES = ['problem-list-item', 'encounter-diagnosis', 'health-concern'] as const;
export const ROUTING_INTENTS = [
  'scheduling',
  'billing',
  'prescription-refill',
  'clinical-question',
  'emergency',
  'other',
] as const;
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const SUBPROCESSOR_ROLES = ['stt', 'llm', 'tts', 'other'] as const;

export const DEFAULT_SERVER_PORT = 8080;
export const DEFAULT_SERVER_HOST = '127.0.0.1';
export const DEFAULT_SANDBOX_PORT = 8090;
export const DEFAULT_TIME_ZONE = 'America/New_York';
export const DEFAULT_JWT_ALG = 'ES384';
// A per-request EHR timeout; the 100 ms floor catches a value written in seconds (timeoutMs: 8).
export const MAX_EHR_TIMEOUT_MS = 120_000;

const coding = () => strictObject({ system: codingSystem(), code: text() });

const privateKeyJwt = strictObject({
  method: z.literal('private_key_jwt'),
  clientId: literalOrReference(),
  keys: configPath(),
  alg: z.enum(JWT_ALGS).default(DEFAULT_JWT_ALG),
  jku: serviceUrl().optional(),
});

const clientSecretBasic = strictObject({
  method: z.literal('client_secret_basic'),
  clientId: literalOrReference(),
  clientSecret: secret(),
});

const noAuth = strictObject({ method: z.literal('none') });

const ehr = strictObject({
  vendor: z.enum(VENDORS),
  baseUrl: serviceUrl(),
  auth: z.discriminatedUnion('method', [privateKeyJwt, clientSecretBasic, noAuth]),
  // SMART Backend Services scopes (system/...), v1 or v2 syntax, optionally with a query
  // (SMART App Launch 2.0 section 3.0.2.3); replaces the scopes derived from the workflows.
  scopes: z
    .array(
      z
        .string()
        .regex(
          /^system\/(\*|[A-Z][A-Za-z]*)\.(read|write|\*|(?=[cruds])c?r?u?d?s?)(\?\S+)?$/,
          'expected a SMART system scope such as system/Appointment.crus or system/Patient.read',
        ),
    )
    .min(1, 'must list at least one scope (leave scopes out to use the ones the workflows need)')
    .optional(),
  timeoutMs: z.number().int().min(100).max(MAX_EHR_TIMEOUT_MS).optional(),
}).superRefine((value, ctx) => {
  if (value.auth.method === 'none' && !isLoopbackUrl(value.baseUrl)) {
    ctx.addIssue({
      code: 'custom',
      path: ['auth', 'method'],
      message: 'auth method "none" is allowed only for a loopback baseUrl (the embedded sandbox)',
    });
  }
});

const visitType = strictObject({
  id: slug(),
  say: text(),
  minutes: z.number().int().min(5).max(480),
  epic: coding().optional(),
  cerner: coding().optional(),
  fhir: coding().optional(),
});

const practitioner = strictObject({ id: slug(), say: text(), ehrId: text() });

const location = strictObject({ id: slug(), say: text(), ehrId: text(), timeZone: timeZone().optional() });

const scheduling = strictObject({
  visitTypes: z
    .array(visitType)
    .min(1, 'must list at least one visit type')
    .superRefine(uniqueField('id', 'visit type id')),
  practitioners: z.array(practitioner).superRefine(uniqueField('id', 'practitioner id')).optional(),
  locations: z.array(location).superRefine(uniqueField('id', 'location id')).optional(),
});

function mappingRule<const T extends readonly [string, ...string[]]>(targets: T) {
  return strictObject({
    to: z.enum(targets),
    category: text().optional(),
    code: strictObject({ system: codingSystem(), code: text(), display: text().optional() }).optional(),
  }).superRefine((rule, ctx) => {
    if (rule.to === 'condition') {
      if (rule.category === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['category'],
          message: `required when to is condition: one of ${CONDITION_CATEGORIES.join(', ')}`,
        });
      } else if (!(CONDITION_CATEGORIES as readonly string[]).includes(rule.category)) {
        ctx.addIssue({
          code: 'custom',
          path: ['category'],
          message: `expected one of ${CONDITION_CATEGORIES.join(', ')}`,
        });
      }
    }
    // An Observation without a code is invalid FHIR (Observation.code is 1..1).
    if (rule.to === 'observation' && rule.code === undefined) {
      ctx.addIssue({ code: 'custom', path: ['code'], message: 'required when to is observation' });
    }
    if (rule.to !== 'condition' && rule.to !== 'observation') {
      for (const key of ['category', 'code'] as const) {
        if (rule[key] !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `only used when to is condition or observation, not ${rule.to}`,
          });
        }
      }
    }
  });
}

const mapping = strictObject({
  chiefComplaint: mappingRule(['condition', 'observation', 'appointment-note', 'work-queue']),
  reasonForVisit: mappingRule(['condition', 'observation', 'appointment-note', 'work-queue']),
  insurance: mappingRule(['coverage', 'work-queue']),
});

const destination = () =>
  strictObject({ queue: text().optional(), phone: phone().optional() }).refine(
    (value) => value.queue !== undefined || value.phone !== undefined,
    'expected a queue, a phone number or both',
  );

// Opening hours in the tenant's time zone; a route without hours applies at all times.
const hours = strictObject({
  days: z.array(z.enum(WEEKDAYS)).min(1, 'must list at least one day').superRefine(uniqueValues('day')),
  open: clockTime(),
  close: clockTime(),
}).refine((value) => value.open < value.close, { path: ['close'], message: 'must be later than open' });

const route = strictObject({
  intent: z.enum(ROUTING_INTENTS),
  to: destination(),
  hours: hours.optional(),
  afterHours: destination().optional(),
}).superRefine((value, ctx) => {
  if (value.afterHours !== undefined && value.hours === undefined) {
    ctx.addIssue({ code: 'custom', path: ['afterHours'], message: 'only used together with hours' });
  }
});

// Identity verification (issue 5 item 1): the caller details that must always match, on top of
// name and birth date, and how many failed attempts one call may make.
export const IDENTITY_DETAILS = ['name', 'birthDate', 'phone', 'postalCode'] as const;
export const DEFAULT_IDENTITY_MAX_ATTEMPTS = 3;
const identity = strictObject({
  require: z
    .array(z.enum(IDENTITY_DETAILS))
    .superRefine(uniqueValues('detail'))
    .refine((v) => v.includes('name') && v.includes('birthDate'), 'must include name and birthDate')
    .default(() => ['name' as const, 'birthDate' as const]),
  maxAttempts: z.number().int().min(1).max(10).default(DEFAULT_IDENTITY_MAX_ATTEMPTS),
  // Cerner: EHR id of the Organization whose MRN pool new patients draw from (identifier.assigner).
  mrnAssigner: text().optional(),
});

// Insurance (issue 5 item 4): spoken payer names the EHR's own Organization search would not find
// ("blue cross" for "Anthem Blue Cross and Blue Shield"), each naming a payor Organization id.
const payerAlias = strictObject({
  say: z.array(text()).min(1, 'must list at least one spoken name'),
  organization: text(),
  name: text().optional(),
});
const insurance = strictObject({
  payerAliases: z.array(payerAlias).default(() => []),
  // Staff queue for insurance work items; default: the billing route's queue, else front-desk.
  staffQueue: text().optional(),
});

const channels = strictObject({
  vapi: strictObject({ secret: secret() }).optional(),
  retell: strictObject({ apiKey: secret() }).optional(),
  http: strictObject({ apiKeys: z.array(secret()).min(1, 'must list at least one key') }).optional(),
  mcp: strictObject({ apiKeys: z.array(secret()).min(1, 'must list at least one key') }).optional(),
});

// Who receives call data (DESIGN.md P7): PHI may flow only to entries with baa: true.
const subprocessor = strictObject({
  name: text(),
  role: z.enum(SUBPROCESSOR_ROLES),
  baa: z.boolean(),
  baaDate: z.iso.date('expected a date as YYYY-MM-DD').optional(),
  zeroRetention: z.boolean().default(false),
  region: text().optional(),
}).superRefine((value, ctx) => {
  if (value.baaDate !== undefined && !value.baa) {
    ctx.addIssue({ code: 'custom', path: ['baaDate'], message: 'a BAA date contradicts baa: false' });
  }
});

const retention = strictObject({
  transcriptsDays: positiveInt().optional(),
  auditDays: positiveInt().optional(),
});

const tenant = strictObject({
  id: slug(),
  name: text().optional(),
  // Production tenants refuse the doctor's write test; only an explicit false allows it.
  production: z.boolean().default(true),
  timeZone: timeZone().default(DEFAULT_TIME_ZONE),
  ehr,
  workflows: z
    .array(z.enum(WORKFLOWS))
    .min(1, 'must list at least one workflow')
    .superRefine(uniqueValues('workflow'))
    .default(() => [...WORKFLOWS]),
  scheduling: scheduling.optional(),
  mapping: mapping.optional(),
  identity: identity.optional(),
  insurance: insurance.optional(),
  routing: z.array(route).superRefine(uniqueField('intent', 'routing intent')).optional(),
  channels: channels.optional(),
  // Tool calls per second across all of the tenant's channels (token bucket; src/channels/auth).
  rateLimit: strictObject({ perSecond: positiveInt(), burst: positiveInt().optional() }).optional(),
  subprocessors: z
    .array(subprocessor)
    .superRefine(uniqueField('name', 'subprocessor name'))
    .default(() => []),
  retention: retention.optional(),
  // What the LLM may read in clear (compliance/phi): `standard` shows appointment dates, which
  // scheduling needs; `strict` tokenises every identifier type, all dates included.
  phi: strictObject({ policy: z.enum(['standard', 'strict']).default('standard') }).optional(),
})
  // What the vendor supports (mapping/validate-mapping.ts): Coverage on Epic stops start-up here.
  .superRefine((value, ctx) => {
    for (const p of value.mapping === undefined ? [] : mappingProblems(value.ehr.vendor, value.mapping)) {
      ctx.addIssue({ code: 'custom', path: ['mapping', ...p.path.split('.')], message: p.message });
    }
  })
  .transform((value) => ({ ...value, name: value.name ?? value.id }));

export const configFileSchema = strictObject({
  server: strictObject({
    port: port().default(DEFAULT_SERVER_PORT),
    host: text().default(DEFAULT_SERVER_HOST),
    // Browser pages allowed to call /mcp (an MCP inspector, a web agent); every other Origin gets
    // 403, while callers that send none (voice platforms, server to server) are not affected.
    mcpAllowedOrigins: z.array(origin()).optional(),
  }).prefault({}),
  store: strictObject({
    url: storeUrl().optional(),
    // SQLite's connection on the event loop (default) or in a worker thread: src/store/sqlite-host.ts.
    sqliteThreading: z.enum(['inline', 'worker']).optional(),
  }).prefault({}),
  sandbox: strictObject({ port: port().default(DEFAULT_SANDBOX_PORT) }).prefault({}),
  tenants: z
    .array(tenant)
    .min(1, 'must list at least one tenant')
    .superRefine(uniqueField('id', 'tenant id')),
});

// The file as written (what defaultConfig builds) and as parsed, before secrets are resolved.
export type ConfigFileInput = z.input<typeof configFileSchema>;
export type ConfigFileOutput = z.output<typeof configFileSchema>;
