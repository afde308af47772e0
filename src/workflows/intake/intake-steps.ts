// The transport steps of each intake write (RecordSteps of lib/verified-record-write.ts), built
// from the outbox payload alone, so the inline attempt and the worker's later attempts do exactly
// the same thing: search, send, read back, compare the fields that matter.
import type { AppointmentRecord, ClinicalRecord, ClinicalResource, IntakeAdapter } from '../../ehr/index.ts';
import { toClinicalRecord } from '../../ehr/index.ts';
import type { RecordSteps } from '../lib/verified-record-write.ts';
import type { IntakePiece } from './intake-input.ts';

/** Outbox kinds of intake (the worker's handler keys). */
export const INTAKE_KINDS = {
  condition: 'intake.condition',
  observation: 'intake.observation',
  appointmentNote: 'intake.appointment-note',
  workQueue: 'intake.work-queue',
} as const;

type StaffFields = {
  readonly patientId: string;
  /** Where staff enter it, in words. */
  readonly where: string;
  /** What the caller said, labelled, exactly as captured. */
  readonly lines: readonly string[];
};

export type ClinicalPayload = StaffFields & {
  readonly pieces: readonly IntakePiece[];
  readonly resource: ClinicalResource;
};

export type AppointmentNotePayload = StaffFields & {
  readonly pieces: readonly IntakePiece[];
  readonly appointmentId: string;
  readonly note?: string;
  readonly reason?: string;
};

export type ClinicalStored = ClinicalRecord;
export type AppointmentStored = AppointmentRecord & { readonly resourceType: 'Appointment' };

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return b.every((x) => a.includes(x));
}

export function clinicalSteps(
  adapter: IntakeAdapter,
  payload: ClinicalPayload,
  idempotencyKey: string,
  signal?: AbortSignal,
): RecordSteps<ClinicalStored> {
  const request = { resource: payload.resource, idempotencyKey, ...(signal === undefined ? {} : { signal }) };
  const wanted = toClinicalRecord(payload.resource);
  return {
    findExisting: () => adapter.findClinical(request),
    send: async () => ({ record: await adapter.createClinical(request), warnings: [] }),
    read: (id) => adapter.readClinical(payload.resource.resourceType, id, signal),
    compare: (record) => {
      const differences: string[] = [];
      if (record.resourceType !== wanted.resourceType) differences.push('resourceType');
      if (record.patientId !== wanted.patientId) differences.push('patient');
      if (record.text !== wanted.text) differences.push('text');
      if (!sameSet(record.categories, wanted.categories)) differences.push('category');
      if (!sameSet(record.codes, wanted.codes)) differences.push('code');
      if (wanted.encounterId !== undefined && record.encounterId !== wanted.encounterId) {
        differences.push('encounter');
      }
      return differences;
    },
  };
}

function holdsNote(record: AppointmentRecord, payload: AppointmentNotePayload): readonly string[] {
  const differences: string[] = [];
  if (payload.note !== undefined && !(record.note ?? '').includes(payload.note)) differences.push('note');
  if (payload.reason !== undefined && record.reasonText !== payload.reason) differences.push('reason');
  return differences;
}

export function appointmentNoteSteps(
  adapter: IntakeAdapter,
  payload: AppointmentNotePayload,
  signal?: AbortSignal,
): RecordSteps<AppointmentStored> {
  const stored = (record: AppointmentRecord): AppointmentStored => ({
    ...record,
    resourceType: 'Appointment',
  });
  return {
    // The appointment already carrying the note is "already written" (a resend after a timeout).
    findExisting: async () => {
      const record = await adapter.readAppointment(payload.appointmentId, signal);
      return holdsNote(record, payload).length === 0 ? stored(record) : undefined;
    },
    send: async () => {
      const result = await adapter.updateAppointmentNote({
        appointmentId: payload.appointmentId,
        ...(payload.note === undefined ? {} : { note: payload.note }),
        ...(payload.reason === undefined ? {} : { reason: payload.reason }),
        ...(signal === undefined ? {} : { signal }),
      });
      return { record: stored(result.appointment), warnings: result.warnings };
    },
    read: async (id) => stored(await adapter.readAppointment(id, signal)),
    compare: (record) => {
      const differences = [...holdsNote(record, payload)];
      if (record.patientId !== undefined && record.patientId !== payload.patientId)
        differences.push('patient');
      return differences;
    },
  };
}
