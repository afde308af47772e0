// registerPatient (issue 5 item 2): a new patient, never a second record for one person.
//
//   1. input read as for findPatient; an impossible birth date (30 February, in the future, over
//      MAX_AGE_YEARS), an unreadable phone or ZIP, an unknown gender: `failed invalid_input`
//      naming the field, nothing written;
//   2. a repeat of the same idempotency key returns the first outcome (before any search, so the
//      record this key created is not taken for a duplicate);
//   3. duplicate search (candidates.ts, the same tolerant matching as findPatient): any active
//      record with this name (or nickname) and birth date answers `failed duplicate`;
//   4. the vendor's Patient (PatientAdapter.createPatient: Cerner's assigner-only identifier and
//      official name, Epic Patient.Create, fhir-r4 with our identifier) through the verified
//      record write (../lib/verified-record-write.ts): outbox row first, search before any resend,
//      read back, compared on name and birth date; `confirmed` carries a signed patient handle,
//      a transient failure is `queued` for the outbox worker (registration-job.ts), which hands
//      it to staff past its retry budget.
import type {
  CreatePatientRequest,
  NewPatient,
  PatientAdapter,
  PatientGender,
  PatientRecord,
} from '../../ehr/patient-adapter.ts';
import {
  errorLabel,
  queueRecordForStaff,
  type RecordOutcome,
  type RecordQueueReason,
  type RecordStaffNote,
  type RecordSteps,
  requestHash,
  runVerifiedRecordWrite,
} from '../lib/verified-record-write.ts';
import type { WriteOutcome } from '../outcome.ts';
import { firstOutcome } from '../scheduling/verified-write.ts';
import { IDENTITY_VERIFIED_EVENT, recordIdentityEvent } from './attempts.ts';
import { type CandidateQuery, findCandidates } from './candidates.ts';
import type { IdentityContext } from './context.ts';
import { normalizePhone, normalizePostalCode } from './phone.ts';
import { type RegisterFailed, type RegisterPatientOutcome, SAY } from './results.ts';
import { parseBirthDate } from './spoken-date.ts';
import { foldName, type NameInput } from './spoken-name.ts';

export const REGISTER_TOOL = 'register_patient';
/** Outbox and work item kind of a registration; the worker's handler key (registration-job.ts). */
export const PATIENT_REGISTER_KIND = 'patient.register';
/** Longest name part accepted: longer input is a transcript, not a name. */
export const MAX_NAME_PART_CHARS = 100;

const GENDERS: ReadonlySet<string> = new Set(['male', 'female', 'other', 'unknown']);

export type RegisterPatientInput = {
  readonly callId: string;
  /** Unique per tool call; the platform's retries of the same call repeat it. */
  readonly idempotencyKey: string;
  /** "Mary Ann Smith" (last word is the family name) or { given, family }. */
  readonly name: NameInput;
  readonly birthDate: string;
  readonly phone?: string;
  readonly address?: {
    readonly line?: readonly string[];
    readonly city?: string;
    readonly state?: string;
    readonly postalCode?: string;
  };
  readonly gender?: string;
  readonly signal?: AbortSignal;
};

export type StoredPatient = PatientRecord & { readonly resourceType: 'Patient' };

function invalid(field: string, say: string): RegisterFailed {
  return { status: 'failed', reason: 'invalid_input', say, field };
}

function registrationName(input: NameInput): { given: string[]; family: string } | undefined {
  let given: string[];
  let family: string;
  if (typeof input === 'object' && input !== null) {
    if (typeof input.given !== 'string' || typeof input.family !== 'string') return undefined;
    given = input.given.trim().split(/\s+/);
    family = input.family.trim();
  } else if (typeof input === 'string') {
    const comma = /^([^,]+),\s*(.+)$/.exec(input.trim());
    if (comma !== null) return registrationName({ given: comma[2] as string, family: comma[1] as string });
    const words = input.trim().split(/\s+/);
    if (words.length < 2) return undefined;
    family = words.at(-1) as string;
    given = words.slice(0, -1);
  } else {
    return undefined;
  }
  const parts = [...given, family];
  if (parts.some((p) => foldName(p) === '' || p.length > MAX_NAME_PART_CHARS)) return undefined;
  return { given, family };
}

/** The validated new patient, or the invalid_input failure naming the field. */
export function readNewPatient(input: RegisterPatientInput, today: Date): NewPatient | RegisterFailed {
  const name = registrationName(input.name);
  if (name === undefined) return invalid('name', SAY.badName);
  const date = parseBirthDate(input.birthDate, today);
  if (!date.ok) return invalid('birthDate', SAY.badBirthDate);
  let phone: string | undefined;
  if (input.phone !== undefined && input.phone.trim() !== '') {
    phone = normalizePhone(input.phone);
    if (phone === undefined) return invalid('phone', SAY.badPhone);
  }
  if (input.gender !== undefined && !GENDERS.has(input.gender)) {
    return invalid('gender', 'Could you tell me your legal sex as male, female, other or unknown?');
  }
  let address: NewPatient['address'];
  if (input.address !== undefined) {
    const { line, city, state } = input.address;
    let postalCode: string | undefined;
    if (input.address.postalCode !== undefined) {
      postalCode = normalizePostalCode(input.address.postalCode);
      if (postalCode === undefined) return invalid('address.postalCode', SAY.badPostalCode);
    }
    address = {
      ...(line === undefined ? {} : { line: line.map((l) => l.trim()).filter((l) => l !== '') }),
      ...(city === undefined ? {} : { city: city.trim() }),
      ...(state === undefined ? {} : { state: state.trim() }),
      ...(postalCode === undefined ? {} : { postalCode }),
    };
  }
  return {
    family: name.family,
    given: name.given,
    birthDate: date.date,
    ...(input.gender === undefined ? {} : { gender: input.gender as PatientGender }),
    ...(phone === undefined ? {} : { phone }),
    ...(address === undefined ? {} : { address }),
  };
}

/** Read-back comparison (P1): the official name and the birth date are what was sent. */
export function patientDifferences(record: PatientRecord, sent: NewPatient): string[] {
  const differences: string[] = [];
  const family = foldName(sent.family);
  const given = foldName(sent.given[0]);
  if (!record.names.some((n) => foldName(n.family) === family && foldName(n.given[0]) === given)) {
    differences.push('name');
  }
  if (record.birthDate !== sent.birthDate) differences.push('birthDate');
  return differences;
}

function stored(record: PatientRecord): StoredPatient {
  return { ...record, resourceType: 'Patient' };
}

/** The transport steps of one registration, for the inline write and the worker alike. */
export function registrationSteps(
  adapter: PatientAdapter,
  request: CreatePatientRequest,
): RecordSteps<StoredPatient> {
  return {
    findExisting: async () => {
      const found = await adapter.findCreatedPatient(request);
      return found === undefined ? undefined : stored(found);
    },
    send: async () => {
      const created = await adapter.createPatient(request);
      return {
        record: stored({
          id: created.patientId,
          active: true,
          names: [],
          phones: [],
          postalCodes: [],
          identifiers: [],
        }),
        warnings: created.warnings,
      };
    },
    read: async (id) => stored(await adapter.readPatient(id, request.signal)),
    compare: (record) => patientDifferences(record, request.patient),
  };
}

/** The first line a staff member reads on a registration work item. */
export function registrationInstruction(
  patient: NewPatient,
  reason: RecordQueueReason,
  note: RecordStaffNote,
): string {
  const who = `${patient.given.join(' ')} ${patient.family}, born ${patient.birthDate}`;
  const found = note.ref === undefined ? '' : ` The EHR named ${note.ref}.`;
  const differs =
    note.differences === undefined || note.differences.length === 0
      ? ''
      : ` It differs in: ${note.differences.join(', ')}.`;
  return (
    `Register a new patient: ${who} (reason: ${reason}${note.error === undefined ? '' : `, ${note.error}`}).` +
    `${found}${differs} Search the EHR for this name and birth date first so no duplicate record is made, ` +
    'then call the patient back with the outcome.'
  );
}

// A registered caller counts as verified for the call: recorded as find_patient records it, so
// a gateway process that receives the call's next tool call knows who it is (tools/session.ts).
async function toRegisterOutcome(
  context: IdentityContext,
  callId: string,
  outcome: RecordOutcome,
): Promise<RegisterPatientOutcome> {
  if (outcome.status !== 'confirmed') return outcome;
  await recordIdentityEvent(context, callId, IDENTITY_VERIFIED_EVENT, { patientId: outcome.data.id });
  return {
    status: 'confirmed',
    say: SAY.registered,
    patient: context.handle(callId, outcome.data.id),
    ...(outcome.warnings === undefined || outcome.warnings.length === 0
      ? {}
      : { warnings: outcome.warnings }),
  };
}

export async function registerPatient(
  context: IdentityContext,
  input: RegisterPatientInput,
): Promise<RegisterPatientOutcome> {
  if (typeof input.idempotencyKey !== 'string' || input.idempotencyKey.trim() === '') {
    return invalid('idempotencyKey', SAY.keyReused);
  }
  const patient = readNewPatient(input, new Date(context.now()));
  if ('status' in patient) return patient;
  const hash = requestHash(REGISTER_TOOL, { patient });
  const key = { tenantId: context.tenantId, idempotencyKey: input.idempotencyKey, requestHash: hash };
  const first = await firstOutcome(context.store, key, context.inFlight);
  if (first !== undefined && first !== 'timeout') {
    return await toRegisterOutcome(context, input.callId, first as WriteOutcome<never> as RecordOutcome);
  }

  if (first === undefined) {
    const query: CandidateQuery = {
      name: { given: patient.given[0] as string, families: [patient.family] },
      birthDate: patient.birthDate,
      ...(input.signal === undefined ? {} : { signal: input.signal }),
    };
    let duplicates: readonly PatientRecord[];
    try {
      duplicates = await findCandidates(context, query);
    } catch (error) {
      // Without the duplicate search, creating could make a second record (never allowed): the
      // details go to staff, who search by hand; nothing is lost (P2).
      const why = errorLabel(error);
      const outcome = await queueRecordForStaff(
        {
          store: context.store,
          tenantId: context.tenantId,
          callId: input.callId,
          kind: PATIENT_REGISTER_KIND,
          tool: REGISTER_TOOL,
          idempotencyKey: input.idempotencyKey,
          requestHash: hash,
          staffQueue: context.staffQueue,
          payload: { patient },
          reason: 'ehr_unavailable',
          instruction: registrationInstruction(patient, 'ehr_unavailable', { error: why }),
          say: SAY.registerQueued,
        },
        context.write,
      );
      return await toRegisterOutcome(context, input.callId, outcome);
    }
    if (duplicates.length > 0) return { status: 'failed', reason: 'duplicate', say: SAY.duplicate };
  }

  const request: CreatePatientRequest = {
    patient,
    idempotencyKey: input.idempotencyKey,
    ...(input.signal === undefined ? {} : { signal: input.signal }),
  };
  const outcome = await runVerifiedRecordWrite(
    {
      store: context.store,
      tenantId: context.tenantId,
      callId: input.callId,
      kind: PATIENT_REGISTER_KIND,
      tool: REGISTER_TOOL,
      idempotencyKey: input.idempotencyKey,
      requestHash: hash,
      staffQueue: context.staffQueue,
      payload: { patient },
      steps: registrationSteps(context.adapter, request),
      say: {
        confirmed: SAY.registered,
        pending: SAY.registerPending,
        queued: SAY.registerQueued,
        rejected: SAY.registerRejected,
        notAuthorized: SAY.registerNotAuthorized,
        notFound: SAY.registerRejected,
      },
      staffInstruction: (reason, note) => registrationInstruction(patient, reason, note),
    },
    context.write,
  );
  return await toRegisterOutcome(context, input.callId, outcome);
}
