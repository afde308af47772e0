// The write test's booking (issue 8 item 8): book the first opening the scheduling probe found
// for the test patient, read it back, add the intake note where the mapping puts one there, then
// cancel it and read it back again. Everything goes through the adapters the workflows use.
import { randomUUID } from 'node:crypto';
import type { TenantConfig } from '../../config/index.ts';
import {
  type AppointmentRecord,
  type BookRequest,
  createEhrAdapter,
  createIntakeAdapter,
  type EhrAdapter,
  type SlotCandidate,
  type VisitType,
} from '../../ehr/index.ts';
import { EhrgateError, isEhrgateError } from '../../errors.ts';
import { adapterVisitType } from '../lib/visit-types.ts';
import type { DoctorContext, Finding } from '../types.ts';
import { compareValue, type FieldRow } from './compare-fields.ts';
import { type WriteStep, writeFailure } from './write-step.ts';

export const WRITE_TEST_TEXT = 'ehrgate doctor write test, safe to delete';
/** What the workflows' read-back compares (DESIGN.md promise P1): a change here blocks confirmation. */
const COMPARED_FIELDS = new Set(['status', 'start', 'patient', 'practitioner', 'location']);

export async function appointmentStep(context: DoctorContext, patientId: string): Promise<WriteStep> {
  const opening = [...context.facts.openings.values()][0];
  if (opening === undefined) {
    return {
      rows: [],
      findings: [
        {
          severity: 'warning',
          title: 'write test: no free slot was found by the scheduling probe, so no booking was tried',
          workflows: ['scheduling'],
        },
      ],
      done: [],
    };
  }
  const visitType = visitTypeOf(context.tenant, opening);
  const stu3 = context.stu3();
  const fhir = context.fhir();
  const adapter = createEhrAdapter({ vendor: context.tenant.ehr.vendor, fhir, ...(stu3 ? { stu3 } : {}) });
  const request: BookRequest = {
    candidate: opening,
    visitType,
    patientId,
    note: WRITE_TEST_TEXT,
    reason: WRITE_TEST_TEXT,
    idempotencyKey: `ehrgate-doctor-${randomUUID()}`,
  };
  let booked: AppointmentRecord;
  try {
    booked = (await adapter.book(request)).appointment;
  } catch (error) {
    return failed('the booking', error, ['scheduling']);
  }
  const label = `Appointment/${booked.id}`;
  const done = [`booked ${label} at ${opening.start}`];
  const findings: Finding[] = [];
  let rows: FieldRow[];
  try {
    rows = appointmentRows(
      label,
      request,
      await adapter.readAppointment(booked.id),
      context.tenant.ehr.vendor,
    );
  } catch (error) {
    return { ...failed('reading the booking back', error, ['scheduling']), done };
  }
  for (const row of rows.filter((r) => r.verdict !== 'kept')) {
    const blocks = COMPARED_FIELDS.has(row.field);
    findings.push({
      severity: blocks ? 'blocker' : 'warning',
      title: `write test: the EHR ${row.verdict} Appointment.${row.field}${row.verdict === 'changed' ? ` (sent ${row.sent}, holds ${row.got})` : ''}`,
      detail: blocks
        ? 'ehrgate confirms a booking only when the read-back matches; with this difference it never will.'
        : "The caller's words stay in the call record and the staff work queue.",
      fix: 'Ask the EHR team whether the appointment API keeps this field, or where it puts it',
      workflows: ['scheduling'],
    });
  }
  if (usesAppointmentNote(context)) rows.push(...(await noteRows(context, label, booked.id, findings)));
  const cancel = await cancelBooking(adapter, booked, opening, request.idempotencyKey);
  rows.push(...cancel.rows);
  findings.push(...cancel.findings);
  done.push(...cancel.done);
  return { rows, findings, done };
}

function visitTypeOf(tenant: TenantConfig, opening: SlotCandidate): VisitType {
  const configured = tenant.scheduling?.visitTypes.find((v) => v.id === opening.visitTypeId);
  const visitType = configured === undefined ? undefined : adapterVisitType(tenant.ehr.vendor, configured);
  // The probe found the opening with this visit type, so it is configured and coded.
  if (visitType === undefined) {
    throw new EhrgateError(
      'ERR_CONFIG_INVALID',
      `visit type ${opening.visitTypeId} is not configured for this EHR`,
    );
  }
  return visitType;
}

function appointmentRows(
  label: string,
  request: BookRequest,
  record: AppointmentRecord,
  vendor: TenantConfig['ehr']['vendor'],
): FieldRow[] {
  const { candidate } = request;
  const rows = [
    compareValue(label, 'status', 'booked', record.status),
    compareValue(label, 'start', candidate.start, record.start),
    compareValue(label, 'end', candidate.end, record.end),
    compareValue(label, 'patient', request.patientId, record.patientId),
  ];
  if (candidate.practitioner)
    rows.push(compareValue(label, 'practitioner', candidate.practitioner.id, record.practitionerId));
  if (candidate.location)
    rows.push(compareValue(label, 'location', candidate.location.id, record.locationId));
  rows.push(contains(label, 'comment (note)', WRITE_TEST_TEXT, record.note));
  // Epic takes the reason as part of $book's appointmentNote (epic/book.ts), not as reasonCode.
  if (vendor !== 'epic')
    rows.push(compareValue(label, 'reasonCode[0].text', WRITE_TEST_TEXT, record.reasonText));
  return rows;
}

/** A note is kept when the stored text contains ours (EHRs append to what is there). */
function contains(label: string, field: string, sent: string, got: string | undefined): FieldRow {
  const row = compareValue(label, field, sent, got);
  return got?.includes(sent) ? { ...row, verdict: 'kept' } : row;
}

function usesAppointmentNote(context: DoctorContext): boolean {
  const m = context.mapping;
  return (
    context.tenant.workflows.includes('intake') &&
    context.tenant.ehr.vendor !== 'epic' &&
    (m?.chiefComplaint?.to === 'appointment-note' || m?.reasonForVisit?.to === 'appointment-note')
  );
}

async function noteRows(
  context: DoctorContext,
  label: string,
  id: string,
  findings: Finding[],
): Promise<FieldRow[]> {
  const intake = createIntakeAdapter({ vendor: context.tenant.ehr.vendor, fhir: context.fhir() });
  const note = `${WRITE_TEST_TEXT} (intake note)`;
  try {
    await intake.updateAppointmentNote({ appointmentId: id, note });
    const record = await intake.readAppointment(id);
    const row = contains(label, 'comment (intake note)', note, record.note);
    if (row.verdict !== 'kept') {
      findings.push({
        severity: 'warning',
        title: `write test: the intake note added to ${label} was ${row.verdict}`,
        fix: 'Ask the EHR team where appointment notes from an API are kept, or map intake elsewhere',
        workflows: ['intake'],
      });
    }
    return [row];
  } catch (error) {
    findings.push(writeFailure('adding the intake note to the booking', error, ['intake']));
    return [];
  }
}

async function cancelBooking(
  adapter: EhrAdapter,
  booked: AppointmentRecord,
  opening: SlotCandidate,
  idempotencyKey: string,
): Promise<WriteStep> {
  const label = `Appointment/${booked.id}`;
  try {
    await adapter.cancel({
      appointmentId: booked.id,
      reason: WRITE_TEST_TEXT,
      idempotencyKey: `${idempotencyKey}-cancel`,
    });
    const record = await adapter.readAppointment(booked.id);
    const row = compareValue(label, 'status after cancel', 'cancelled', record.status);
    return {
      rows: [row],
      findings:
        row.verdict === 'kept'
          ? []
          : [
              {
                severity: 'blocker',
                title: `write test: after the cancel, ${label} is ${record.status}, not cancelled`,
                fix: `Ask the EHR team why a cancel through the API is not kept; cancel ${label} (${opening.start}) by hand`,
                workflows: ['scheduling'],
              },
            ],
      done: row.verdict === 'kept' ? [`cancelled ${label}`] : [],
    };
  } catch (error) {
    if (isEhrgateError(error, 'ERR_EHR_UNSUPPORTED')) {
      return {
        rows: [],
        findings: [
          {
            severity: 'warning',
            title: `write test: ${error.message}; the test booking ${label} at ${opening.start} is still booked`,
            fix: `Cancel ${label} (${opening.start}) in the EHR by hand; in calls, ehrgate sends cancellations to the staff work queue`,
            workflows: ['scheduling'],
          },
        ],
        done: [],
      };
    }
    return { rows: [], findings: [writeFailure(`cancelling ${label}`, error, ['scheduling'])], done: [] };
  }
}

function failed(what: string, error: unknown, workflows: Finding['workflows']): WriteStep {
  return { rows: [], findings: [writeFailure(what, error, workflows)], done: [] };
}
