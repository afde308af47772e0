// Cerner-like rules for what intake writes (issue 5 item 6; Oracle Health Millennium R4):
//
// POST Condition (body as cerner/R4_CONDITION_CREATE.json): a `subject` Patient the EHR holds, a
//   `code` (coding or text), and a category from condition-category that is `problem-list-item`
//   or `encounter-diagnosis` (Cerner creates no other Condition); an encounter-diagnosis needs an
//   `encounter` the EHR holds. A missing element is 400 (`required`), a refused one 422.
// POST Observation (body as cerner/R4_OBSERVATION_CREATE.json): `status`, a `category`, a `code`,
//   a `subject` Patient the EHR holds, `effectiveDateTime` and a value; an `encounter`, when sent,
//   must exist.
// PATCH Appointment touching only `comment` and `reasonCode` (the appointment note): If-Match as
//   every Cerner PATCH (412 without, 409 stale), `reasonCode` text only and at most 255
//   characters; other patches go on to cerner-appointments.ts.
// Accepted creates go on to the shared create route (201, Location, ETag W/"0"): these handlers
// answer only refusals, and the note patch.
import type { Appointment, CodeableConcept, Condition, Observation, Reference } from '@medplum/fhirtypes';
import type { PatchOperation } from '../fhir-store.ts';
import { fhirError } from '../lib/outcome.ts';
import type { FhirReply, InteractionContext } from '../personality.ts';
import { patchedCopy } from '../scheduling/write-faults.ts';
import { asCerner, cernerEtag, storeVersionFromIfMatch } from './cerner-versions.ts';

const CONDITION_CATEGORY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/condition-category';
/** The only Condition categories Cerner creates (fhir.cerner.com R4 Condition create). */
export const CERNER_CONDITION_CATEGORIES: ReadonlySet<string> = new Set([
  'problem-list-item',
  'encounter-diagnosis',
]);
const REASON_MAX_CHARS = 255;
const LITERAL = /^(Patient|Encounter)\/([A-Za-z0-9\-.]{1,64})$/;

function missing(element: string): never {
  throw fhirError(400, 'required', `${element} is required`, { expression: element });
}

function refuse(diagnostics: string, expression: string): never {
  throw fhirError(422, 'business-rule', diagnostics, { expression });
}

function mustExist(
  context: InteractionContext,
  reference: Reference | undefined,
  type: string,
  element: string,
): void {
  if (reference === undefined) missing(element);
  const match = LITERAL.exec(reference.reference ?? '');
  if (match === null || match[1] !== type) refuse(`${element} must reference a ${type} by id`, element);
  if (context.store.get(type, match[2] as string) === undefined) {
    refuse(`${element}: ${match[0]} does not exist`, element);
  }
}

function hasCode(code: CodeableConcept | undefined): boolean {
  return (
    code !== undefined &&
    ((typeof code.text === 'string' && code.text.trim() !== '') || (code.coding ?? []).some((c) => c.code))
  );
}

function body<T>(context: InteractionContext, type: string): Partial<T> {
  const value = context.request.body as { resourceType?: unknown } | undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value.resourceType !== type) {
    throw fhirError(400, 'invalid', `the body must be a ${type} resource in JSON`, {
      expression: 'resourceType',
    });
  }
  return value as Partial<T>;
}

function checkCondition(context: InteractionContext): void {
  const condition = body<Condition>(context, 'Condition');
  mustExist(context, condition.subject, 'Patient', 'Condition.subject');
  if (!hasCode(condition.code)) missing('Condition.code');
  const categories = (condition.category ?? []).flatMap((c) =>
    (c.coding ?? [])
      .filter((coding) => coding.system === CONDITION_CATEGORY_SYSTEM)
      .map((coding) => coding.code),
  );
  if (categories.length === 0) missing('Condition.category');
  if (categories.length !== 1 || !CERNER_CONDITION_CATEGORIES.has(categories[0] ?? '')) {
    refuse(
      `Condition create supports only the categories problem-list-item and encounter-diagnosis, got ${categories.join(', ')}`,
      'Condition.category',
    );
  }
  if (categories[0] === 'encounter-diagnosis') {
    if (condition.encounter === undefined) {
      refuse('an encounter-diagnosis Condition needs an encounter', 'Condition.encounter');
    }
    mustExist(context, condition.encounter, 'Encounter', 'Condition.encounter');
  }
}

function checkObservation(context: InteractionContext): void {
  const observation = body<Observation>(context, 'Observation');
  if (observation.status === undefined) missing('Observation.status');
  if ((observation.category ?? []).length === 0) missing('Observation.category');
  if (!hasCode(observation.code)) missing('Observation.code');
  mustExist(context, observation.subject, 'Patient', 'Observation.subject');
  if (observation.effectiveDateTime === undefined) missing('Observation.effectiveDateTime');
  const valued = Object.keys(observation).some((key) => key.startsWith('value'));
  if (!valued && observation.dataAbsentReason === undefined) missing('Observation.value[x]');
  if (observation.encounter !== undefined)
    mustExist(context, observation.encounter, 'Encounter', 'Observation.encounter');
}

const NOTE_PATHS = new Set(['/comment', '/reasonCode']);

/**
 * The patch when it touches only the note: `add` of /comment or /reasonCode, or `replace` of one
 * the appointment already has (RFC 6902 section 4.3: replace needs an existing target; otherwise
 * the patch goes on to cerner-appointments.ts, which refuses what it does not support).
 */
function noteOperations(context: InteractionContext): PatchOperation[] | undefined {
  const ops = context.request.body;
  if (!Array.isArray(ops) || ops.length === 0) return undefined;
  const existing = context.store.get('Appointment', context.id ?? '') as Appointment | undefined;
  if (existing === undefined) return undefined;
  const normalised = ops.map((op: PatchOperation) => ({
    ...op,
    path: typeof op?.path === 'string' && !op.path.startsWith('/') ? `/${op.path}` : op?.path,
  }));
  const onlyNote = normalised.every(
    (op) =>
      typeof op.path === 'string' &&
      NOTE_PATHS.has(op.path) &&
      (op.op === 'add' ||
        (op.op === 'replace' && existing[op.path.slice(1) as 'comment' | 'reasonCode'] !== undefined)),
  );
  return onlyNote ? normalised : undefined;
}

async function patchAppointmentNote(context: InteractionContext, ops: PatchOperation[]): Promise<FhirReply> {
  const id = context.id as string;
  const header = context.request.headers['if-match'];
  const ifMatch = storeVersionFromIfMatch(Array.isArray(header) ? header[0] : header);
  if (ifMatch === undefined) throw fhirError(412, 'invalid', 'PATCH requires an If-Match header');
  const existing = context.store.read<Appointment>('Appointment', id);
  if (existing.meta.versionId !== ifMatch) {
    throw fhirError(
      409,
      'conflict',
      `Appointment/${id} has changed since version ${Number(ifMatch) - 1} (If-Match)`,
    );
  }
  if (existing.status === 'cancelled')
    refuse(`Appointment/${id} is cancelled and cannot be changed`, 'Appointment.status');
  const patched = patchedCopy(existing, ops) as Appointment;
  if (patched.comment !== undefined && typeof patched.comment !== 'string') {
    throw fhirError(400, 'invalid', 'comment must be a string', { expression: 'Appointment.comment' });
  }
  const reason = patched.reasonCode;
  if (reason !== undefined) {
    const [first] = reason;
    if (
      reason.length !== 1 ||
      first === undefined ||
      Object.keys(first).some((k) => k !== 'text') ||
      typeof first.text !== 'string'
    ) {
      refuse('reasonCode[0] supports free text only (reasonCode[0].text)', 'Appointment.reasonCode[0]');
    }
    if (first.text.length > REASON_MAX_CHARS) {
      refuse(
        `reasonCode[0].text is ${first.text.length} characters; at most ${REASON_MAX_CHARS} are allowed`,
        'Appointment.reasonCode[0].text',
      );
    }
  }
  const stored = (await context.store.update('Appointment', id, patched, { ifMatch })).resource;
  const wantsBody = /return\s*=\s*representation/i.test(String(context.request.headers.prefer ?? ''));
  return {
    status: 200,
    headers: { etag: cernerEtag(stored) },
    ...(wantsBody ? { body: asCerner(stored) } : {}),
  };
}

/** Condition/Observation create refusals and the appointment-note PATCH; undefined lets other rules run. */
export async function cernerClinicalRules(context: InteractionContext): Promise<FhirReply | undefined> {
  const { resourceType, interaction } = context;
  if (interaction === 'create' && resourceType === 'Condition') checkCondition(context);
  if (interaction === 'create' && resourceType === 'Observation') checkObservation(context);
  if (interaction === 'patch' && resourceType === 'Appointment') {
    const ops = noteOperations(context);
    if (ops !== undefined) return patchAppointmentNote(context, ops);
  }
  return undefined;
}
