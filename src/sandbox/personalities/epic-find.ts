// Epic-like `POST [base]/api/FHIR/STU3/Appointment/$find` (DESIGN.md section 5). Parameters:
//   patient            resource (a Patient with an identifier; optional)
//   startTime/endTime  valueDateTime; the window proposals must start in (default: now to
//                      SEED_HORIZON_DAYS ahead)
//   serviceType        valueCodeableConcept naming the visit type: the Epic-style coding
//                      (EPIC_VISIT_TYPE_SYSTEM `1001` new patient, `1002` follow-up) or the sandbox
//                      one (VISIT_TYPE_SYSTEM `new-patient`, `follow-up`)
//   indications        valueCodeableConcept, the reason (kept on the proposal, then the booking)
//   specialties        valueCodeableConcept, matched against the schedule's specialty
//   location-reference valueReference `Location/{id}`
//   time-of-day        valueString `morning` (before noon, local time of the location) or `afternoon`
// Answer: 200 and a searchset Bundle of `proposed` Appointments with temporary ids (shape of
// argonaut/Bundle-hal-dr-y-appts.json and Appointment-proposed-*.json), plus OperationOutcome
// entries with `search.mode = outcome`: 59200 when the visit type is missing or unknown, 4101
// when nothing matched.

import type {
  Appointment,
  AppointmentParticipant,
  Bundle,
  BundleEntry,
  CodeableConcept,
  Coding,
  Location,
  ParametersParameter,
  Patient,
  Slot,
} from '@medplum/fhirtypes';
import type { StoredResource } from '../fhir-store.ts';
import { fhirError } from '../lib/outcome.ts';
import { toLocalDateTime } from '../lib/time-zone.ts';
import type { FhirReply, OperationContext } from '../personality.ts';
import { scheduleActors } from '../scheduling/slots.ts';
import { VISIT_TYPE_DEFINITIONS, type VisitTypeDefinition, visitTypeOf } from '../scheduling/visit-types.ts';
import { SEED_HORIZON_DAYS, TIMEZONE_EXTENSION_URL } from '../seed.ts';
import { EPIC_NO_RESULTS, EPIC_NO_VISIT_TYPE, epicIssue, outcomeEntry } from './epic-outcomes.ts';
import { dateTimeParameter, named, parametersBody, single } from './epic-parameters.ts';
import { proposalBookOf } from './epic-proposals.ts';

/** Proposals per `$find` at most, earliest first. */
export const MAX_FIND_PROPOSALS = 20;

const TIMES_OF_DAY = new Set(['morning', 'afternoon']);

function concepts(parameters: readonly ParametersParameter[], name: string): CodeableConcept[] {
  return named(parameters, name).flatMap((p) =>
    p.valueCodeableConcept === undefined ? [] : [p.valueCodeableConcept],
  );
}

function sameCoding(a: Coding, b: Coding): boolean {
  return a.system === b.system && a.code === b.code;
}

function patientFrom(
  context: OperationContext,
  parameter: ParametersParameter | undefined,
): Patient | undefined {
  const resource = parameter?.resource as Patient | undefined;
  if (resource === undefined) return undefined;
  if (resource.resourceType !== 'Patient') {
    throw fhirError(400, 'invalid', "parameter 'patient' takes a Patient resource", {
      expression: 'patient',
    });
  }
  for (const identifier of resource.identifier ?? []) {
    for (const candidate of context.store.all('Patient') as Iterable<Patient>) {
      if (candidate.identifier?.some((i) => i.system === identifier.system && i.value === identifier.value)) {
        return candidate;
      }
    }
  }
  return undefined;
}

function timeZoneOf(context: OperationContext, locationRef: string | undefined): string {
  const id = /^Location\/(.+)$/.exec(locationRef ?? '')?.[1];
  const location = id === undefined ? undefined : (context.store.get('Location', id) as Location | undefined);
  return location?.extension?.find((e) => e.url === TIMEZONE_EXTENSION_URL)?.valueCode ?? 'UTC';
}

function bundle(entries: BundleEntry[], total: number): Bundle {
  return {
    resourceType: 'Bundle',
    id: crypto.randomUUID(),
    type: 'searchset',
    total,
    ...(entries.length === 0 ? {} : { entry: entries }),
  };
}

function proposalFor(
  context: OperationContext,
  slot: StoredResource<Slot>,
  visitType: VisitTypeDefinition,
  window: { start: number; end: number },
  patient: Patient | undefined,
  indications: CodeableConcept[],
): Appointment {
  const others: AppointmentParticipant[] = scheduleActors(context.store, slot).map((actor) => ({
    actor: actor as AppointmentParticipant['actor'],
    required: 'required',
    status: 'needs-action',
  }));
  return {
    resourceType: 'Appointment',
    status: 'proposed',
    serviceType: [{ coding: [visitType.epic, visitType.sandbox], text: visitType.display }],
    ...(slot.specialty === undefined ? {} : { specialty: slot.specialty }),
    ...(slot.appointmentType === undefined ? {} : { appointmentType: slot.appointmentType }),
    ...(indications.length === 0 ? {} : { reasonCode: indications }),
    start: slot.start,
    end: slot.end,
    minutesDuration: Math.round((Date.parse(slot.end) - Date.parse(slot.start)) / 60_000),
    slot: [{ reference: `Slot/${slot.id}` }],
    participant: [
      ...(patient === undefined
        ? []
        : [
            {
              actor: { reference: `Patient/${patient.id}` },
              required: 'required' as const,
              status: 'needs-action' as const,
            },
          ]),
      ...others,
    ],
    requestedPeriod: [
      { start: new Date(window.start).toISOString(), end: new Date(window.end).toISOString() },
    ],
  };
}

export async function epicFind(context: OperationContext): Promise<FhirReply> {
  const parameters = parametersBody(context.request.body);
  const nowMs = Date.now();
  const start = dateTimeParameter(parameters, 'startTime') ?? nowMs;
  const end = dateTimeParameter(parameters, 'endTime') ?? start + SEED_HORIZON_DAYS * 86_400_000;
  if (end <= start)
    throw fhirError(400, 'invalid', 'endTime must be after startTime', { expression: 'endTime' });
  const patient = patientFrom(context, single(parameters, 'patient'));
  const timeOfDay = single(parameters, 'time-of-day');
  const wantedTime = timeOfDay?.valueString ?? timeOfDay?.valueCode;
  if (timeOfDay !== undefined && (wantedTime === undefined || !TIMES_OF_DAY.has(wantedTime))) {
    throw fhirError(400, 'invalid', "time-of-day takes 'morning' or 'afternoon'", {
      expression: 'time-of-day',
    });
  }

  const serviceTypes = concepts(parameters, 'serviceType');
  const visitType = visitTypeOf(serviceTypes.flatMap((c) => c.coding ?? []));
  if (visitType === undefined) {
    const why =
      serviceTypes.length === 0
        ? 'no serviceType was given'
        : `serviceType names no visit type this server schedules (known: ${VISIT_TYPE_DEFINITIONS.map((v) => `${v.epic.system}|${v.epic.code}`).join(', ')})`;
    return { status: 200, body: bundle([outcomeEntry(epicIssue(EPIC_NO_VISIT_TYPE, why))], 0) };
  }

  const specialties = concepts(parameters, 'specialties').flatMap((c) => c.coding ?? []);
  const locations = named(parameters, 'location-reference').flatMap((p) => p.valueReference?.reference ?? []);
  const query: Record<string, string | string[]> = {
    status: 'free',
    'service-type': `${visitType.sandbox.system}|${visitType.sandbox.code}`,
    start: [`ge${new Date(start).toISOString()}`, `lt${new Date(end).toISOString()}`],
    _sort: 'start',
  };
  if (locations.length > 0) query['schedule.actor'] = locations.join(',');
  const slots = context.store.search('Slot', query, { defaultCount: 10_000, maxCount: 10_000 })
    .matches as StoredResource<Slot>[];

  const indications = concepts(parameters, 'indications');
  const book = proposalBookOf(context.store);
  const entries: BundleEntry[] = [];
  for (const slot of slots) {
    if (entries.length >= MAX_FIND_PROPOSALS) break;
    if (
      specialties.length > 0 &&
      !slot.specialty?.some((s) => s.coding?.some((c) => specialties.some((w) => sameCoding(c, w))))
    ) {
      continue;
    }
    if (wantedTime !== undefined) {
      const location = scheduleActors(context.store, slot).find((a) => a.reference?.startsWith('Location/'));
      const hour = toLocalDateTime(new Date(slot.start), timeZoneOf(context, location?.reference)).hour;
      if ((wantedTime === 'morning') !== hour < 12) continue;
    }
    const proposal = book.add(
      slot.id,
      proposalFor(context, slot, visitType, { start, end }, patient, indications),
    );
    entries.push({
      fullUrl: `${context.baseUrl}/Appointment/${proposal.id}`,
      resource: proposal.appointment,
      search: { mode: 'match' },
    });
  }
  const total = entries.length;
  if (total === 0) entries.push(outcomeEntry(epicIssue(EPIC_NO_RESULTS, 'no open slot matches the request')));
  return { status: 200, body: bundle(entries, total) };
}
