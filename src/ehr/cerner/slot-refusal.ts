// Cerner answers 422 both for a busy slot and for other scheduling rules (DESIGN.md section 5;
// fhir.cerner.com R4 Appointment create). The OperationOutcome wording is not documented, so the
// Slot itself decides: still free means a rule refused the booking (ERR_EHR_RULE); busy, gone or
// unreadable means it was taken (ERR_SLOT_TAKEN), where the caller is offered fresh alternatives.
import { EhrgateError } from '../../errors.ts';
import { type FhirClient, isFhirError } from '../../fhir/index.ts';
import { slotTaken } from '../lib/errors.ts';

export async function refusalFor(
  fhir: FhirClient,
  err: unknown,
  slotId: string,
  what: string,
  signal?: AbortSignal,
): Promise<unknown> {
  if (!isFhirError(err, 'business-rule')) return err;
  let free = false;
  try {
    const slot = await fhir.read('Slot', slotId, signal === undefined ? {} : { signal });
    free = slot.status === 'free';
  } catch {
    free = false;
  }
  return free
    ? new EhrgateError('ERR_EHR_RULE', `${what} was refused by the EHR: ${err.message}`, { cause: err })
    : slotTaken(`Slot/${slotId} is no longer free`, err);
}
