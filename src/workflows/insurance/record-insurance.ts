// recordInsurance (issue 5 item 4), step by step:
//   1. check the input as a person at the desk would: the member id normalised from speech
//      (member-id.ts), the relationship within the R4 value set (relationship.ts), a real birth
//      date; anything unusable is `failed` invalid_input naming the field, nothing written;
//   2. the mapping says `work-queue`, or the EHR has no Coverage create (Epic) -> staff;
//   3. match the payer (match-payer.ts); unmatched -> staff, never a guessed payor;
//   4. a policy held by someone other than the patient -> staff (mapping/coverage.ts says why);
//   5. build and validate the Coverage (mapping/coverage.ts) and write it through the verified
//      record write: confirmed after read-back, or queued for the outbox worker / staff.
// Every route to staff keeps the exact data the caller gave (P2).
import type { Coverage } from '@medplum/fhirtypes';
import { isEhrgateError } from '../../errors.ts';
import { buildCoverage } from '../../mapping/coverage.ts';
import { loadFhirSchema } from '../../mapping/lib/fhir-schema.ts';
import {
  queueRecordForStaff,
  type RecordOutcome,
  type RecordQueueReason,
  type RecordSay,
  requestHash,
  runVerifiedRecordWrite,
} from '../lib/verified-record-write.ts';
import { localDate } from '../lib/zoned-date.ts';
import { failed } from '../outcome.ts';
import { coverageSteps } from './coverage-steps.ts';
import type { InsuranceContext } from './insurance-workflow.ts';
import { matchPayer, type PayerMatch } from './match-payer.ts';
import { normalizeMemberId } from './member-id.ts';
import { subscriberRelationship } from './relationship.ts';

export const RECORD_INSURANCE_TOOL = 'record_insurance';
/** Outbox and work item kind of a Coverage write; the key of insuranceHandlers(). */
export const COVERAGE_CREATE_KIND = 'coverage.create';
export const MAX_PAYER_NAME_CHARS = 200;
export const MAX_SPOKEN_ID_CHARS = 300;
export const MAX_SUBSCRIBER_NAME_CHARS = 200;
const OLDEST_BIRTH_YEAR = 1900;

export type RecordInsuranceInput = {
  readonly callId: string;
  /** The tool call's idempotency key: a repeated call returns the first outcome (P3). */
  readonly idempotencyKey: string;
  /** The verified patient's EHR id. */
  readonly patientId: string;
  readonly payerName: string;
  /** As said: "uh, it's W, two, three, four...". */
  readonly memberId: string;
  readonly groupNumber?: string;
  /** `self`, or the policy holder with the patient's relationship to them (Coverage.relationship). */
  readonly subscriber:
    | 'self'
    | { readonly name: string; readonly birthDate: string; readonly relationship: string };
};

/** The outbox payload of a Coverage write: what the worker re-sends and staff read. */
export type CoveragePayload = {
  readonly patientId: string;
  readonly payerSaid: string;
  readonly payer?: { readonly id: string; readonly name: string };
  readonly memberId: string;
  readonly memberIdSaid: string;
  readonly groupNumber?: string;
  readonly subscriber: RecordInsuranceInput['subscriber'];
  readonly coverage?: Coverage;
};

const SAY: RecordSay = {
  confirmed: "I've added that insurance to your record.",
  pending:
    "I have your insurance details saved, and they'll be added to your record shortly; the office will follow up if anything is missing.",
  queued: "I've passed your insurance details to our staff, who will add them to your record.",
  rejected:
    "The records system didn't accept those insurance details, so I've passed them to our staff to check.",
  notAuthorized: "I can't add insurance to your record from here, so I've passed the details to our staff.",
  notFound: "I couldn't find your record to add the insurance to, so I've passed the details to our staff.",
};

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isRealPastDate(text: string, today: string): boolean {
  const match = DATE.exec(text);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  const real =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return real && year >= OLDEST_BIRTH_YEAR && text <= today;
}

function invalid(field: string, say: string) {
  return failed('invalid_input', say, { field });
}

function staffInstruction(payload: CoveragePayload, why: string): string {
  const payer =
    payload.payer === undefined ? `"${payload.payerSaid}" (not matched to a payor)` : payload.payer.name;
  const holder =
    payload.subscriber === 'self'
      ? 'held by the patient'
      : `held by ${payload.subscriber.name}, born ${payload.subscriber.birthDate} (patient is their ${payload.subscriber.relationship})`;
  const group = payload.groupNumber === undefined ? '' : `, group ${payload.groupNumber}`;
  return (
    `Enter the insurance of patient ${payload.patientId} in the EHR: ${payer}, member id ${payload.memberId}` +
    `${group}, ${holder}. Why this is here: ${why}. Check the patient's coverage in the EHR first, so ` +
    'nothing is entered twice; call the patient back if a detail is unclear.'
  );
}

const STAFF_WHY: Partial<Record<RecordQueueReason, string>> = {
  no_api: 'this EHR offers no API to add insurance',
  mapped_to_staff: "this organisation's mapping sends insurance to staff",
};

export async function recordInsurance(
  context: InsuranceContext,
  input: RecordInsuranceInput,
): Promise<RecordOutcome> {
  const { tenant, adapter, store } = context;
  const today = localDate(context.now(), tenant.timeZone);

  // 1. The input, checked before anything is stored or sent.
  if (typeof input.patientId !== 'string' || !FHIR_ID.test(input.patientId)) {
    return invalid('patientId', 'I need to confirm who you are before I can add insurance.');
  }
  const payerSaid = typeof input.payerName === 'string' ? input.payerName.trim() : '';
  if (payerSaid === '' || payerSaid.length > MAX_PAYER_NAME_CHARS) {
    return invalid('payerName', 'Which insurance company is it?');
  }
  const memberIdSaid = typeof input.memberId === 'string' ? input.memberId : '';
  const member = memberIdSaid.length > MAX_SPOKEN_ID_CHARS ? undefined : normalizeMemberId(memberIdSaid);
  if (member === undefined || !member.ok) {
    return invalid(
      'memberId',
      "I didn't quite get the member ID. Could you read it to me one character at a time?",
    );
  }
  let groupNumber: string | undefined;
  if (input.groupNumber !== undefined && input.groupNumber.trim() !== '') {
    const group =
      input.groupNumber.length > MAX_SPOKEN_ID_CHARS ? undefined : normalizeMemberId(input.groupNumber);
    if (group === undefined || !group.ok) {
      return invalid(
        'groupNumber',
        "I didn't quite get the group number. Could you read it one character at a time?",
      );
    }
    groupNumber = group.memberId;
  }
  let subscriber: RecordInsuranceInput['subscriber'] = 'self';
  if (input.subscriber !== 'self') {
    const holder = input.subscriber;
    if (typeof holder !== 'object' || holder === null) {
      return invalid('subscriber', 'Is the policy in your name, or someone else’s?');
    }
    const name = typeof holder.name === 'string' ? holder.name.trim() : '';
    if (name === '' || name.length > MAX_SUBSCRIBER_NAME_CHARS) {
      return invalid('subscriber.name', "What is the policy holder's full name?");
    }
    if (typeof holder.birthDate !== 'string' || !isRealPastDate(holder.birthDate, today)) {
      return invalid('subscriber.birthDate', "What is the policy holder's date of birth?");
    }
    const relationship = subscriberRelationship(
      typeof holder.relationship === 'string' ? holder.relationship : '',
    );
    if (relationship === undefined) {
      return invalid(
        'subscriber.relationship',
        'How are you related to the policy holder: are you their child, their spouse or partner, or something else?',
      );
    }
    subscriber = { name, birthDate: holder.birthDate, relationship };
  }

  const base = {
    store,
    tenantId: tenant.id,
    callId: input.callId,
    kind: COVERAGE_CREATE_KIND,
    tool: RECORD_INSURANCE_TOOL,
    idempotencyKey: input.idempotencyKey,
    requestHash: requestHash(RECORD_INSURANCE_TOOL, { ...input, idempotencyKey: undefined }),
    staffQueue: context.staffQueue,
    patientId: input.patientId,
  };
  const waits = {
    now: context.now,
    sleep: context.sleep,
    ...(context.inFlightWaitMs === undefined ? {} : { inFlightWaitMs: context.inFlightWaitMs }),
    ...(context.inFlightPollMs === undefined ? {} : { inFlightPollMs: context.inFlightPollMs }),
  };
  const toStaff = (payload: CoveragePayload, reason: RecordQueueReason, why: string) =>
    queueRecordForStaff(
      { ...base, payload, reason, instruction: staffInstruction(payload, why), say: SAY.queued },
      waits,
    );
  const captured: CoveragePayload = {
    patientId: input.patientId,
    payerSaid,
    memberId: member.memberId,
    memberIdSaid,
    ...(groupNumber === undefined ? {} : { groupNumber }),
    subscriber,
  };

  // 2. Staff by configuration or because the EHR cannot take it.
  if (tenant.mapping?.insurance.to === 'work-queue') {
    return toStaff(captured, 'mapped_to_staff', STAFF_WHY.mapped_to_staff as string);
  }
  // 3. The payer (matched for Epic too: staff then see which payor was meant).
  const payer: PayerMatch = await matchPayer(adapter, tenant, payerSaid);
  const withPayer: CoveragePayload = payer.matched
    ? { ...captured, payer: { id: payer.id, name: payer.name } }
    : captured;
  if (!adapter.canCreateCoverage) return toStaff(withPayer, 'no_api', STAFF_WHY.no_api as string);
  if (!payer.matched) {
    const why =
      payer.why === 'ambiguous'
        ? 'the payer name fits several payors'
        : payer.why === 'lookup_failed'
          ? `the payor list could not be searched (${payer.error})`
          : 'the payer is not one this organisation has on file';
    return toStaff(withPayer, 'missing_context', why);
  }
  // 4. A policy held by someone else needs a subscriber the EHR holds.
  if (subscriber !== 'self') {
    return toStaff(
      withPayer,
      'missing_context',
      'the policy holder is not the patient and must be linked in the EHR',
    );
  }

  // 5. Build, validate, write.
  let coverage: Coverage;
  try {
    await loadFhirSchema();
    coverage = buildCoverage({
      vendor: adapter.vendor,
      patientId: input.patientId,
      payer: { id: payer.id, name: payer.name },
      memberId: member.memberId,
      ...(groupNumber === undefined ? {} : { groupNumber }),
      periodStart: today,
      idempotencyKey: input.idempotencyKey,
    });
  } catch (error) {
    if (!isEhrgateError(error, 'ERR_RESOURCE_INVALID')) throw error;
    return toStaff(withPayer, 'error', 'the Coverage built from what the caller said was not valid FHIR');
  }
  const payload: CoveragePayload = { ...withPayer, coverage };
  return runVerifiedRecordWrite(
    {
      ...base,
      payload,
      steps: coverageSteps(adapter, {
        coverage,
        patientId: input.patientId,
        idempotencyKey: input.idempotencyKey,
      }),
      say: SAY,
      staffInstruction: (reason, note) =>
        staffInstruction(payload, `${reason}${note.error === undefined ? '' : ` (${note.error})`}`),
    },
    {
      now: context.now,
      sleep: context.sleep,
      workerId: context.workerId,
      ...(context.retryDelayMs === undefined ? {} : { retryDelayMs: context.retryDelayMs }),
      ...(context.inFlightWaitMs === undefined ? {} : { inFlightWaitMs: context.inFlightWaitMs }),
      ...(context.inFlightPollMs === undefined ? {} : { inFlightPollMs: context.inFlightPollMs }),
    },
  );
}
