// findPatient (issue 5 item 1): who is calling, by name and birth date, plus phone or ZIP code
// when the tenant's policy requires them or when several records share name and birth date.
//
//   1. a call that used up its failed attempts (policy.maxAttempts, default 3) is refused before
//      any EHR request;
//   2. the input is read as a person would hear it (spoken-name.ts, spoken-date.ts, phone.ts);
//      unreadable input is `failed invalid_input` naming the field and costs no attempt;
//   3. candidates are found and judged locally (candidates.ts); when nobody has the birth date as
//      read, the day-month transposition is tried and accepted only if it singles out one record;
//   4. required extra details are asked for (`needs_more`); given ones must match, and filter;
//   5. exactly one record left: `verified` with a signed handle bound to the call. Nothing about
//      the record is said back. No record, or details that fit none: `not_found`, recorded as a
//      failed attempt (a call event with the sealed details), `attempts_exhausted` at the limit.
import type { PatientRecord } from '../../ehr/patient-adapter.ts';
import { isFhirError } from '../../fhir/index.ts';
import {
  failedAttempts,
  IDENTITY_FAILED_EVENT,
  IDENTITY_VERIFIED_EVENT,
  recordIdentityEvent,
} from './attempts.ts';
import { findCandidates } from './candidates.ts';
import type { IdentityContext } from './context.ts';
import { normalizePhone, normalizePostalCode, phoneMatches } from './phone.ts';
import {
  type ExtraDetail,
  type FindPatientResult,
  type IdentityFailed,
  type IdentityFailureReason,
  type PatientFacts,
  SAY,
} from './results.ts';
import { parseBirthDate } from './spoken-date.ts';
import { type NameInput, parseSpokenName } from './spoken-name.ts';

export type FindPatientInput = {
  /** The store's call id (`openCall`): handles are bound to it, failed attempts counted on it. */
  readonly callId: string;
  /** "Bill O'Brien", "O'Brien, William" or { given, family }. */
  readonly name: NameInput;
  /** As said: "march third nineteen eighty", "03/03/1980", "1980-03-03". */
  readonly birthDate: string;
  readonly phone?: string;
  readonly postalCode?: string;
  readonly signal?: AbortSignal;
};

/** The order extra details are asked in: a phone number is easier to say than to mishear a ZIP. */
const ASK_ORDER: readonly ExtraDetail[] = ['phone', 'postalCode'];

function fail(
  reason: IdentityFailureReason,
  say: string,
  extra: Partial<IdentityFailed> = {},
): IdentityFailed {
  return { status: 'failed', reason, say, ...extra };
}

function lookupFailure(error: unknown): IdentityFailed {
  if (
    isFhirError(error) &&
    (error.insufficientScope || error.kind === 'forbidden' || error.kind === 'unauthorized')
  ) {
    return fail('not_authorized', SAY.notAuthorized, {
      ...(error.scope === undefined ? {} : { missingScopes: error.scope.split(/\s+/) }),
    });
  }
  if (isFhirError(error)) return fail('ehr_unavailable', SAY.unavailable);
  throw error;
}

type Extras = { readonly phone?: string; readonly postalCode?: string };

function fits(record: PatientRecord, extras: Extras): boolean {
  if (extras.phone !== undefined && !phoneMatches(extras.phone, record.phones)) return false;
  if (
    extras.postalCode !== undefined &&
    !record.postalCodes.some((p) => p.slice(0, 5) === extras.postalCode)
  ) {
    return false;
  }
  return true;
}

export async function findPatient(
  context: IdentityContext,
  input: FindPatientInput,
): Promise<FindPatientResult> {
  const { policy } = context;
  const used = await failedAttempts(context, input.callId);
  if (used >= policy.maxAttempts) return fail('attempts_exhausted', SAY.exhausted);

  const name = parseSpokenName(input.name);
  if (name === undefined) return fail('invalid_input', SAY.badName, { field: 'name' });
  const date = parseBirthDate(input.birthDate, new Date(context.now()));
  if (!date.ok) return fail('invalid_input', SAY.badBirthDate, { field: 'birthDate' });
  const extras: { phone?: string; postalCode?: string } = {};
  if (input.phone !== undefined && input.phone.trim() !== '') {
    const phone = normalizePhone(input.phone);
    if (phone === undefined) return fail('invalid_input', SAY.badPhone, { field: 'phone' });
    extras.phone = phone;
  }
  if (input.postalCode !== undefined && input.postalCode.trim() !== '') {
    const postalCode = normalizePostalCode(input.postalCode);
    if (postalCode === undefined) return fail('invalid_input', SAY.badPostalCode, { field: 'postalCode' });
    extras.postalCode = postalCode;
  }

  const said = { name: input.name, birthDate: date.date, ...extras };
  const failure = async (why: string): Promise<FindPatientResult> => {
    await recordIdentityEvent(context, input.callId, IDENTITY_FAILED_EVENT, { why, said });
    const left = policy.maxAttempts - (used + 1);
    return left <= 0
      ? fail('attempts_exhausted', SAY.exhausted)
      : { status: 'not_found', say: SAY.notFound, attemptsLeft: left };
  };

  let candidates: PatientRecord[];
  try {
    const query = { name, ...extras, ...(input.signal === undefined ? {} : { signal: input.signal }) };
    candidates = await findCandidates(context, { ...query, birthDate: date.date });
    if (candidates.length === 0 && date.transposed !== undefined) {
      const swapped = await findCandidates(context, { ...query, birthDate: date.transposed });
      // Day and month swapped only when that leaves no doubt (issue 5 item 1).
      if (swapped.length === 1) candidates = swapped;
    }
  } catch (error) {
    return lookupFailure(error);
  }
  if (candidates.length === 0) return failure('no_record');

  for (const detail of policy.require) {
    if (extras[detail] === undefined) {
      return {
        status: 'needs_more',
        say: detail === 'phone' ? SAY.askPhone : SAY.askPostalCode,
        ask: detail,
      };
    }
  }
  const remaining = candidates.filter((record) => fits(record, extras));
  if (remaining.length === 0) return failure('details_mismatch');
  if (remaining.length > 1) {
    const next = ASK_ORDER.find((detail) => extras[detail] === undefined);
    if (next === undefined) return fail('ambiguous', SAY.ambiguous);
    return { status: 'needs_more', say: next === 'phone' ? SAY.askPhone : SAY.askPostalCode, ask: next };
  }
  const patient = remaining[0] as PatientRecord;
  await recordIdentityEvent(context, input.callId, IDENTITY_VERIFIED_EVENT, { patientId: patient.id });
  return {
    status: 'verified',
    say: SAY.verified,
    patient: context.handle(input.callId, patient.id),
    facts: factsOf(patient),
  };
}

function factsOf(patient: PatientRecord): PatientFacts {
  const name = patient.names[0];
  const display = name?.text ?? [...(name?.given ?? []), name?.family ?? ''].join(' ').trim();
  const identifier = patient.identifiers[0];
  return {
    ...(display ? { name: display } : {}),
    ...(patient.birthDate ? { birthDate: patient.birthDate } : {}),
    ...(patient.phones[0] ? { phone: patient.phones[0] } : {}),
    ...(identifier ? { mrn: identifier.slice(identifier.indexOf('|') + 1) } : {}),
  };
}
