// Takes a test record out of the EHR again: DELETE where the EHR allows it (R4 http.html#delete),
// else the record is marked entered-in-error, which is how clinical systems retract a record
// (Condition.verificationStatus, Observation.status, Coverage.status; R4 each resource's page).
import type { Condition, Coverage, Observation, Resource } from '@medplum/fhirtypes';
import type { FhirClient } from '../../fhir/index.ts';
import { messageOf } from '../lib/ehr-words.ts';

export type Removal =
  | { readonly removed: true; readonly how: 'deleted' | 'marked entered-in-error' }
  | { readonly removed: false; readonly reason: string };

type Retractable = Condition | Observation | Coverage;

export async function removeTestRecord(fhir: FhirClient, stored: Retractable): Promise<Removal> {
  const path = `${stored.resourceType}/${stored.id}`;
  try {
    await fhir.request('DELETE', path, { retry: false });
    return { removed: true, how: 'deleted' };
  } catch {
    // Many EHRs offer no DELETE (Epic, Cerner): retract instead.
  }
  try {
    await fhir.update(
      enteredInError(stored),
      stored.meta?.versionId === undefined ? {} : { ifMatch: stored.meta.versionId },
    );
    return { removed: true, how: 'marked entered-in-error' };
  } catch (error) {
    return { removed: false, reason: messageOf(error) };
  }
}

function enteredInError(stored: Retractable): Resource {
  switch (stored.resourceType) {
    case 'Condition': {
      // con-5: a Condition entered in error carries no clinicalStatus.
      const { clinicalStatus: _dropped, ...rest } = stored;
      return {
        ...rest,
        verificationStatus: {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
              code: 'entered-in-error',
            },
          ],
        },
      };
    }
    case 'Observation':
      return { ...stored, status: 'entered-in-error' };
    case 'Coverage':
      return { ...stored, status: 'entered-in-error' };
  }
}
