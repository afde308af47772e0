// Reschedule on a plain R4 server: claim the new Slot, patch the Appointment onto it (slot,
// start, end and, when the new slot belongs to another schedule, the practitioner and location)
// with If-Match, then free the old Slot. If the patch definitely failed, the new Slot is freed.
import type { Appointment, AppointmentParticipant } from '@medplum/fhirtypes';
import { type FhirClient, isAmbiguousWriteFailure, type JsonPatchOperation } from '../../fhir/index.ts';
import type { RescheduleRequest, WriteResult } from '../adapter.ts';
import { ruleOrSame } from '../lib/errors.ts';
import { patchAppointment } from '../lib/patch-appointment.ts';
import { reference, referenceId } from '../lib/references.ts';
import { actorsForSlot } from './book.ts';
import { claimSlot, releaseSlot } from './slot-claim.ts';

export async function rescheduleFhirR4(fhir: FhirClient, request: RescheduleRequest): Promise<WriteResult> {
  const { signal, candidate } = request;
  const newSlotId = candidate.handle;
  const opts = signal === undefined ? {} : { signal };
  const slot = await claimSlot(fhir, newSlotId, request.idempotencyKey, signal);
  let outcome: Awaited<ReturnType<typeof patchAppointment>>;
  try {
    const actors = await actorsForSlot(fhir, candidate, slot, signal);
    outcome = await patchAppointment(
      fhir,
      request.appointmentId,
      (current) => ({
        kind: 'patch',
        ops: [
          { op: 'replace', path: '/slot', value: [reference('Slot', newSlotId)] },
          { op: 'add', path: '/start', value: slot.start ?? candidate.start },
          { op: 'add', path: '/end', value: slot.end ?? candidate.end },
          ...participantOps(current, actors),
        ],
      }),
      signal,
    );
  } catch (err) {
    if (!isAmbiguousWriteFailure(err)) {
      await releaseSlot(fhir, newSlotId, { ...opts, claimedBy: request.idempotencyKey });
    }
    throw ruleOrSame(err, 'the reschedule');
  }
  const warnings: string[] = [];
  for (const s of outcome.before.slot ?? []) {
    const oldId = referenceId(s, 'Slot');
    if (oldId === undefined || oldId === newSlotId) continue;
    if (!(await releaseSlot(fhir, oldId, opts))) {
      warnings.push(`Slot/${oldId} could not be set free; staff may need to open it by hand`);
    }
  }
  return { appointment: outcome.record, warnings };
}

/** Replaces the practitioner and location participants when the new slot names other ones. */
function participantOps(
  current: Appointment,
  actors: Awaited<ReturnType<typeof actorsForSlot>>,
): JsonPatchOperation[] {
  const list = current.participant ?? [];
  let changed = false;
  const next: AppointmentParticipant[] = list.map((p) => {
    for (const [type, actor] of [
      ['Practitioner', actors.practitioner],
      ['Location', actors.location],
    ] as const) {
      if (actor === undefined || referenceId(p.actor, type) === undefined) continue;
      if (referenceId(p.actor, type) === actor.id) return p;
      changed = true;
      return { ...p, actor: reference(type, actor.id, actor.display) };
    }
    return p;
  });
  return changed ? [{ op: 'replace', path: '/participant', value: next }] : [];
}
