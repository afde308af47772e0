// recordIntake (issue 5 item 4): the chief complaint, reason for visit, onset and symptoms a
// caller gave, each written where this organisation's mapping says (DESIGN.md section 6; built by
// src/mapping), every write through the verified record write (lib/verified-record-write.ts):
//
//   condition / observation  -> one Condition / Observation per piece, verified by read-back;
//   appointment-note         -> one PATCH of the appointment for all pieces mapped there;
//   work-queue               -> a staff work item holding the exact text.
//
// Everything is checked and built before the first write, so bad input (a 20,000-character
// "complaint") writes nothing. A piece that cannot be written still reaches staff with the exact
// text (P2), and the outcome names which piece was written and which was not.
import type { TenantConfig } from '../../config/types.ts';
import type { ClinicalResource, IntakeAdapter } from '../../ehr/index.ts';
import { isEhrgateError } from '../../errors.ts';
import {
  buildAppointmentNote,
  buildIntakeCondition,
  buildIntakeObservation,
  type ClinicalText,
  loadFhirSchema,
} from '../../mapping/index.ts';
import type { Store } from '../../store/index.ts';
import {
  queueRecordForStaff,
  type RecordOutcome,
  type RecordQueueReason,
  type RecordWriteOptions,
  requestHash,
  runVerifiedRecordWrite,
} from '../lib/verified-record-write.ts';
import type { ConfirmedOutcome, FailedOutcome, QueuedOutcome, RecordView } from '../outcome.ts';
import { checkIntakeInput, type IntakeInput, type IntakePiece, PIECE_WORDS } from './intake-input.ts';
import {
  type AppointmentNotePayload,
  appointmentNoteSteps,
  type ClinicalPayload,
  clinicalSteps,
  INTAKE_KINDS,
} from './intake-steps.ts';
import { intakeStaffInstruction } from './staff-instructions.ts';

export const RECORD_INTAKE_TOOL = 'record_intake';
/** Where intake work lands when the tenant's routing names no clinical-question queue. */
export const DEFAULT_INTAKE_QUEUE = 'front-desk';

type Target = 'condition' | 'observation' | 'appointment-note' | 'work-queue';

export type IntakePieceResult = {
  readonly piece: IntakePiece;
  readonly target: Target;
  readonly status: RecordOutcome['status'];
  readonly ref?: string;
  readonly workItemId?: string;
  readonly outboxId?: string;
};

export type IntakeView = { readonly records: readonly RecordView[] };

export type IntakeOutcome = (ConfirmedOutcome<IntakeView> | FailedOutcome | QueuedOutcome) & {
  readonly pieces: readonly IntakePieceResult[];
};

export type IntakeContext = {
  readonly tenant: TenantConfig;
  readonly adapter: IntakeAdapter;
  readonly store: Store;
  readonly staffQueue: string;
  readonly write: RecordWriteOptions;
};

const SAY = {
  confirmed: 'Thank you, I have added that to your record for the care team.',
  pending: 'Thank you, I have noted that, and it will be added to your record shortly.',
  queued: 'Thank you, I have noted that, and our staff will add it to your record.',
  rejected: 'I could not add that to your record, so I have passed it to our staff to add.',
  notAuthorized: 'I am not able to add that to your record myself, so I have passed it to our staff.',
  notFound: 'I could not find the record to add that to, so I have passed it to our staff.',
} as const;

type Rule = {
  readonly to: string;
  readonly category?: string | undefined;
  readonly code?:
    | { readonly system: string; readonly code: string; readonly display?: string | undefined }
    | undefined;
};

// Without a mapping block every piece goes to staff: never a guessed resource (issue 5 intro).
const DEFAULT_RULE: Rule = { to: 'work-queue' };

const WHERE: Readonly<Record<Target, string>> = {
  condition: 'Add to the chart as a Condition',
  observation: 'Add to the chart as an Observation',
  'appointment-note': 'Add to the appointment note',
  'work-queue': 'Enter in the chart',
};

function linesFor(input: IntakeInput, pieces: readonly IntakePiece[]): string[] {
  const lines: string[] = [];
  for (const piece of pieces) {
    if (piece === 'chiefComplaint') {
      lines.push(`Chief complaint: "${input.chiefComplaint}".`);
      if (input.onset !== undefined) lines.push(`Onset: "${input.onset}".`);
      if (input.symptoms !== undefined)
        lines.push(`Symptoms: ${input.symptoms.map((s) => `"${s}"`).join(', ')}.`);
    } else if (input.reasonForVisit !== undefined) {
      lines.push(`Reason for visit: "${input.reasonForVisit}".`);
    }
  }
  return lines;
}

type Planned =
  | {
      readonly kind: 'clinical';
      readonly piece: IntakePiece;
      readonly target: Target;
      readonly payload: ClinicalPayload;
    }
  | {
      readonly kind: 'note';
      readonly pieces: readonly IntakePiece[];
      readonly payload: AppointmentNotePayload;
      readonly warnings: readonly string[];
    }
  | {
      readonly kind: 'staff';
      readonly piece: IntakePiece;
      readonly target: Target;
      readonly reason: RecordQueueReason;
      readonly where: string;
    };

/** Every write of this intake, built and validated before the first is sent. */
function plan(context: IntakeContext, input: IntakeInput, recordedAt: string): Planned[] {
  const mapping = context.tenant.mapping;
  const pieces: IntakePiece[] =
    input.reasonForVisit === undefined ? ['chiefComplaint'] : ['chiefComplaint', 'reasonForVisit'];
  const planned: Planned[] = [];
  const notePieces: IntakePiece[] = [];
  for (const piece of pieces) {
    const rule: Rule = mapping?.[piece] ?? DEFAULT_RULE;
    const target = rule.to as Target;
    const text: ClinicalText = {
      patientId: input.patientId,
      text: piece === 'chiefComplaint' ? input.chiefComplaint : (input.reasonForVisit ?? ''),
      recordedAt,
      ...(piece === 'chiefComplaint' && input.onset !== undefined ? { onset: input.onset } : {}),
      ...(piece === 'chiefComplaint' && input.symptoms !== undefined ? { symptoms: input.symptoms } : {}),
      ...(input.encounterId === undefined ? {} : { encounterId: input.encounterId }),
    };
    const staff = (reason: RecordQueueReason, where: string): Planned => ({
      kind: 'staff',
      piece,
      target,
      reason,
      where,
    });
    if (target === 'work-queue') {
      planned.push(staff('mapped_to_staff', WHERE['work-queue']));
      continue;
    }
    if (target === 'appointment-note') {
      if (input.appointmentId === undefined) {
        planned.push(staff('missing_context', "Add to the note of the patient's next appointment"));
      } else {
        notePieces.push(piece);
      }
      continue;
    }
    const where =
      target === 'condition' ? `${WHERE.condition} (category ${rule.category ?? ''})` : WHERE.observation;
    // Cerner: an encounter-diagnosis belongs to an encounter (fhir.cerner.com Condition create).
    if (
      target === 'condition' &&
      rule.category === 'encounter-diagnosis' &&
      input.encounterId === undefined
    ) {
      planned.push(staff('missing_context', where));
      continue;
    }
    let resource: ClinicalResource;
    try {
      resource =
        target === 'condition'
          ? buildIntakeCondition(
              { category: rule.category ?? '', ...(rule.code ? { code: rule.code } : {}) },
              text,
            )
          : buildIntakeObservation(
              {
                code: rule.code ?? { system: '', code: '' },
                ...(rule.category ? { category: rule.category } : {}),
              },
              text,
            );
    } catch (error) {
      // A builder refusal is ours (ERR_RESOURCE_INVALID names the element); the text goes to staff.
      if (!isEhrgateError(error, 'ERR_RESOURCE_INVALID')) throw error;
      planned.push(staff('error', where));
      continue;
    }
    planned.push({
      kind: 'clinical',
      piece,
      target,
      payload: {
        pieces: [piece],
        patientId: input.patientId,
        where,
        lines: linesFor(input, [piece]),
        resource,
      },
    });
  }
  if (notePieces.length > 0 && input.appointmentId !== undefined) {
    const note = buildAppointmentNote(context.adapter.vendor, {
      ...(notePieces.includes('chiefComplaint')
        ? {
            chiefComplaint: {
              text: input.chiefComplaint,
              ...(input.onset === undefined ? {} : { onset: input.onset }),
              ...(input.symptoms === undefined ? {} : { symptoms: input.symptoms }),
            },
          }
        : {}),
      ...(notePieces.includes('reasonForVisit') && input.reasonForVisit !== undefined
        ? { reasonForVisit: { text: input.reasonForVisit } }
        : {}),
    });
    planned.push({
      kind: 'note',
      pieces: notePieces,
      warnings: note.warnings,
      payload: {
        pieces: notePieces,
        patientId: input.patientId,
        appointmentId: input.appointmentId,
        where: WHERE['appointment-note'],
        lines: linesFor(input, notePieces),
        ...(note.note === undefined ? {} : { note: note.note }),
        ...(note.reason === undefined ? {} : { reason: note.reason }),
      },
    });
  }
  return planned;
}

function pieceResults(
  pieces: readonly IntakePiece[],
  target: Target,
  outcome: RecordOutcome,
): IntakePieceResult[] {
  return pieces.map((piece) => ({
    piece,
    target,
    status: outcome.status,
    ...(outcome.status === 'confirmed' ? { ref: outcome.data.ref } : {}),
    ...(outcome.status === 'queued' && outcome.workItemId !== undefined
      ? { workItemId: outcome.workItemId }
      : {}),
    ...(outcome.status === 'queued' && outcome.outboxId !== undefined ? { outboxId: outcome.outboxId } : {}),
  }));
}

const words = (pieces: readonly IntakePiece[]) => pieces.map((p) => PIECE_WORDS[p]).join(' and ');

function combine(
  results: readonly { readonly outcome: RecordOutcome; readonly pieces: IntakePieceResult[] }[],
): IntakeOutcome {
  const pieces = results.flatMap((r) => r.pieces);
  const failures = results.flatMap((r) => (r.outcome.status === 'failed' ? [r] : []));
  if (failures.length > 0) {
    const first = failures[0].outcome as FailedOutcome;
    const notWritten = pieces.filter((p) => p.status === 'failed').map((p) => p.piece);
    const written = pieces.filter((p) => p.status === 'confirmed').map((p) => p.piece);
    const say =
      written.length > 0
        ? `I added ${words(written)} to your record, but could not add ${words(notWritten)}, so I have passed it to our staff.`
        : `I could not add ${words(notWritten)} to your record, so I have passed it to our staff.`;
    return {
      status: 'failed',
      reason: first.reason,
      say,
      field: notWritten[0] ?? 'chiefComplaint',
      ...(first.missingScopes === undefined ? {} : { missingScopes: first.missingScopes }),
      pieces,
    };
  }
  const queued = results.flatMap((r) => (r.outcome.status === 'queued' ? [r.outcome] : []));
  if (queued.length > 0) {
    const workItemId = queued.find((q) => q.workItemId !== undefined)?.workItemId;
    const outboxId = queued.find((q) => q.outboxId !== undefined)?.outboxId;
    return {
      status: 'queued',
      say: workItemId === undefined ? SAY.pending : SAY.queued,
      ...(workItemId === undefined ? {} : { workItemId }),
      ...(outboxId === undefined ? {} : { outboxId }),
      pieces,
    };
  }
  const records = results.flatMap((r) => (r.outcome.status === 'confirmed' ? [r.outcome.data] : []));
  const warnings = results.flatMap((r) =>
    r.outcome.status === 'confirmed' ? (r.outcome.warnings ?? []) : [],
  );
  return {
    status: 'confirmed',
    say: SAY.confirmed,
    data: { records },
    ...(warnings.length > 0 ? { warnings } : {}),
    pieces,
  };
}

export async function recordIntake(context: IntakeContext, raw: IntakeInput): Promise<IntakeOutcome> {
  const checked = checkIntakeInput(raw);
  if ('status' in checked) return { ...checked, pieces: [] };
  const input = checked;
  await loadFhirSchema();
  const { callId: _callId, idempotencyKey, ...request } = input;
  const hash = requestHash(RECORD_INTAKE_TOOL, request);
  const planned = plan(context, input, new Date(context.write.now()).toISOString());
  const common = {
    store: context.store,
    tenantId: context.tenant.id,
    callId: input.callId,
    tool: RECORD_INTAKE_TOOL,
    requestHash: hash,
    staffQueue: context.staffQueue,
    patientId: input.patientId,
  };
  const results: { outcome: RecordOutcome; pieces: IntakePieceResult[] }[] = [];
  // One at a time: the pieces of one call are few, and an appointment takes one PATCH at a time.
  for (const item of planned) {
    if (item.kind === 'staff') {
      const payload = {
        pieces: [item.piece],
        patientId: input.patientId,
        where: item.where,
        lines: linesFor(input, [item.piece]),
      };
      const outcome = await queueRecordForStaff(
        {
          ...common,
          kind: INTAKE_KINDS.workQueue,
          idempotencyKey: `${idempotencyKey}#${item.piece}`,
          payload,
          reason: item.reason,
          instruction: intakeStaffInstruction(
            {
              where: item.where,
              patientId: input.patientId,
              lines: payload.lines,
              ...(input.appointmentId ? { appointmentId: input.appointmentId } : {}),
            },
            item.reason,
            {},
          ),
          say: SAY.queued,
        },
        context.write,
      );
      results.push({ outcome, pieces: pieceResults([item.piece], item.target, outcome) });
      continue;
    }
    if (item.kind === 'clinical') {
      const key = `${idempotencyKey}#${item.piece}`;
      const outcome = await runVerifiedRecordWrite(
        {
          ...common,
          kind: item.target === 'condition' ? INTAKE_KINDS.condition : INTAKE_KINDS.observation,
          idempotencyKey: key,
          payload: item.payload,
          steps: clinicalSteps(context.adapter, item.payload, key),
          say: SAY,
          staffInstruction: (reason, note) =>
            intakeStaffInstruction(
              { where: item.payload.where, patientId: input.patientId, lines: item.payload.lines },
              reason,
              note,
            ),
        },
        context.write,
      );
      results.push({ outcome, pieces: pieceResults([item.piece], item.target, outcome) });
      continue;
    }
    const outcome = await runVerifiedRecordWrite(
      {
        ...common,
        kind: INTAKE_KINDS.appointmentNote,
        idempotencyKey: `${idempotencyKey}#appointment-note`,
        payload: item.payload,
        steps: appointmentNoteSteps(context.adapter, item.payload),
        say: SAY,
        staffInstruction: (reason, note) =>
          intakeStaffInstruction(
            {
              where: item.payload.where,
              patientId: input.patientId,
              appointmentId: item.payload.appointmentId,
              lines: item.payload.lines,
            },
            reason,
            note,
          ),
      },
      context.write,
    );
    // The vendor's cut (Cerner's 255-character reason) is a warning on the confirmed outcome.
    const withWarnings: RecordOutcome =
      outcome.status === 'confirmed' && item.warnings.length > 0
        ? { ...outcome, warnings: [...(outcome.warnings ?? []), ...item.warnings] }
        : outcome;
    results.push({
      outcome: withWarnings,
      pieces: pieceResults(item.pieces, 'appointment-note', withWarnings),
    });
  }
  return combine(results);
}
