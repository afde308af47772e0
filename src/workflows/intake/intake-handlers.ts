// The outbox worker's handlers for intake (outbox/job.ts): one more attempt of a Condition,
// Observation or appointment-note write whose inline attempt failed transiently, rebuilt from the
// outbox payload alone. Past the worker's budget the work item comes from `workItem` below, with
// the exact text the caller gave (P2).
import type { IntakeAdapter } from '../../ehr/index.ts';
import { EhrgateError } from '../../errors.ts';
import { reasonInWords, recordJobHandler } from '../lib/verified-record-write.ts';
import type { OutboxHandlers, OutboxJob } from '../outbox/job.ts';
import {
  type AppointmentNotePayload,
  appointmentNoteSteps,
  type ClinicalPayload,
  clinicalSteps,
  INTAKE_KINDS,
} from './intake-steps.ts';
import { intakeStaffInstruction } from './staff-instructions.ts';

export type IntakeHandlersOptions = {
  /** The tenant's intake adapter; undefined for a tenant this process does not serve. */
  readonly adapterFor: (tenantId: string) => IntakeAdapter | undefined;
};

type Payload = { readonly staffQueue?: string; readonly patientId?: string } & Record<string, unknown>;

function adapterOf(options: IntakeHandlersOptions, job: OutboxJob): IntakeAdapter {
  const adapter = options.adapterFor(job.tenantId);
  if (adapter === undefined) {
    throw new EhrgateError('ERR_CONFIG_INVALID', `no intake adapter for tenant ${job.tenantId}`);
  }
  return adapter;
}

function draft(
  job: OutboxJob,
  payload: Payload & { where: string; lines: readonly string[]; appointmentId?: string },
) {
  return (
    reason: Parameters<typeof reasonInWords>[0],
    note: { error?: string; ref?: string; differences?: readonly string[] },
  ) => ({
    kind: job.kind,
    queue: payload.staffQueue ?? 'front-desk',
    reason: reasonInWords(reason, note.error),
    instructions: intakeStaffInstruction(
      {
        where: payload.where,
        patientId: payload.patientId ?? 'unknown',
        lines: payload.lines,
        ...(payload.appointmentId === undefined ? {} : { appointmentId: payload.appointmentId }),
      },
      reason,
      note,
    ),
    data: job.payload,
    ...(payload.patientId === undefined ? {} : { patientId: payload.patientId }),
  });
}

export function intakeHandlers(options: IntakeHandlersOptions): OutboxHandlers {
  const clinical = recordJobHandler((job, signal) => {
    const payload = job.payload as ClinicalPayload & Payload;
    return {
      steps: clinicalSteps(adapterOf(options, job), payload, job.idempotencyKey, signal),
      workItem: draft(job, payload),
    };
  });
  const note = recordJobHandler((job, signal) => {
    const payload = job.payload as AppointmentNotePayload & Payload;
    return {
      steps: appointmentNoteSteps(adapterOf(options, job), payload, signal),
      workItem: draft(job, payload),
    };
  });
  return new Map([
    [INTAKE_KINDS.condition, clinical],
    [INTAKE_KINDS.observation, clinical],
    [INTAKE_KINDS.appointmentNote, note],
  ]);
}
