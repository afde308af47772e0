// The session learns who was verified from the identity workflow's signed handle (patient-handle.ts):
// the handle is checked here, once, and only the EHR id it carries is kept in the session. The
// agent never needs to pass a patient back; patient-bound tools read the session.
import { EhrgateError } from '../../errors.ts';
import { verifyPatientHandle } from '../../workflows/identity/patient-handle.ts';
import type { ToolContext } from '../tool.ts';

export function rememberVerifiedPatient(context: ToolContext, handle: string): void {
  const secret = context.tools.handleSecret;
  if (secret === undefined) {
    throw new EhrgateError('ERR_CONFIG_INVALID', 'identity tools need the patient handle secret');
  }
  const { session } = context;
  const opened = verifyPatientHandle(
    handle,
    { secret, tenantId: session.tenantId, callId: session.storeCallId },
    { now: context.now() },
  );
  session.patient = { patientId: opened.patientId, verifiedAt: context.now() };
}
