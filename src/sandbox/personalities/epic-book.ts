// Epic-like `POST [base]/api/FHIR/STU3/Appointment/$book` (DESIGN.md section 5). Parameters:
//   patient          valueIdentifier, `value` = the Patient's FHIR id
//   appointment      valueIdentifier, `value` = the id of a proposal from `$find`
//   appointmentNote  valueString (optional): kept as Appointment.comment
// Books the proposal once: the slot turns busy and a booked Appointment is created (readable at
// /api/FHIR/R4/Appointment/{id}); the answer is a Bundle holding it. A proposal that is unknown,
// expired or already booked, or whose slot is no longer free, is a 409 OperationOutcome coded
// SANDBOX_OUTCOME_SYSTEM|slot-unavailable ("slot no longer available").

import type { Appointment, Bundle, Slot } from '@medplum/fhirtypes';
import type { StoredResource } from '../fhir-store.ts';
import { fhirError } from '../lib/outcome.ts';
import type { FhirReply, OperationContext } from '../personality.ts';
import { bookedAppointment, claimSlot, currentSlot, releaseSlot } from '../scheduling/slots.ts';
import {
  ACK_NOT_PERSISTED_FAULT,
  isFaultActive,
  SLOT_TAKEN_FAULT,
  takeSlotsByPortal,
  unpersisted,
} from '../scheduling/write-faults.ts';
import { slotUnavailable } from './epic-outcomes.ts';
import { parametersBody, single } from './epic-parameters.ts';
import { proposalBookOf } from './epic-proposals.ts';

function identifierValue(parameters: ReturnType<typeof parametersBody>, name: string): string {
  const value = single(parameters, name)?.valueIdentifier?.value;
  if (typeof value !== 'string' || value === '') {
    throw fhirError(400, 'required', `parameter '${name}' (valueIdentifier) is required`, {
      expression: name,
    });
  }
  return value;
}

/** Where the booked appointment can be read: the R4 endpoint beside this STU3 one. */
function r4Base(baseUrl: string): string {
  return baseUrl.replace(/\/STU3$/, '/R4');
}

export async function epicBook(context: OperationContext): Promise<FhirReply> {
  const { store } = context;
  const parameters = parametersBody(context.request.body);
  const patientId = identifierValue(parameters, 'patient');
  const proposalId = identifierValue(parameters, 'appointment');
  const note = single(parameters, 'appointmentNote')?.valueString;
  if (store.get('Patient', patientId) === undefined) {
    throw fhirError(404, 'not-found', `Patient/${patientId} is not known`, { expression: 'patient' });
  }
  const found = proposalBookOf(store).find(proposalId);
  if (isFaultActive(context.request, SLOT_TAKEN_FAULT) && found !== undefined) {
    await takeSlotsByPortal(store, [found.proposal.slotId], patientId);
  }
  if (found === undefined)
    throw slotUnavailable(`no proposed appointment '${proposalId}' (unknown or forgotten)`);
  const { proposal, expired } = found;
  if (expired) throw slotUnavailable(`the proposed appointment '${proposalId}' has expired`);
  if (proposal.bookedAs !== undefined)
    throw slotUnavailable(`the proposed appointment '${proposalId}' is already booked`);
  if (currentSlot(store, proposal.slotId)?.status !== 'free') {
    throw slotUnavailable(`the slot of '${proposalId}' is no longer available`);
  }

  const slot = currentSlot(store, proposal.slotId) as StoredResource<Slot>;
  const appointment = bookedAppointment(
    store,
    slot,
    { reference: `Patient/${patientId}` },
    {
      ...(proposal.appointment.serviceType === undefined
        ? {}
        : { serviceType: proposal.appointment.serviceType }),
      ...(proposal.appointment.reasonCode === undefined
        ? {}
        : { reasonCode: proposal.appointment.reasonCode }),
      ...(typeof note === 'string' && note !== '' ? { comment: note } : {}),
      created: new Date().toISOString(),
    },
  );
  const preview = unpersisted(appointment);
  let booked: StoredResource<Appointment> = preview;
  if (!isFaultActive(context.request, ACK_NOT_PERSISTED_FAULT)) {
    try {
      await claimSlot(store, proposal.slotId);
    } catch {
      throw slotUnavailable(`the slot of '${proposalId}' is no longer available`);
    }
    proposal.bookedAs = 'pending';
    try {
      booked = (await store.create(appointment)).resource;
    } catch (error) {
      proposal.bookedAs = undefined;
      await releaseSlot(store, proposal.slotId);
      throw error;
    }
    proposal.bookedAs = booked.id;
  }
  const result: Bundle = {
    resourceType: 'Bundle',
    id: crypto.randomUUID(),
    type: 'searchset',
    total: 1,
    entry: [
      {
        fullUrl: `${r4Base(context.baseUrl)}/Appointment/${booked.id}`,
        resource: booked,
        search: { mode: 'match' },
      },
    ],
  };
  return { status: 200, body: result };
}
