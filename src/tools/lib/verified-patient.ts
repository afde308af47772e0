// The session learns who was verified from the identity workflow's signed handle (patient-handle.ts):
// the handle is checked here, once, and only the EHR id it carries is kept in the session. The
// agent never needs to pass a patient back; patient-bound tools read the session. The fact is
// also a call event, written before the tool answers, so another gateway process that receives
// this call's next tool call (PostgreSQL deployments behind a balancer) knows who was verified.
import { EhrgateError } from '../../errors.ts';
import { appendCallEvent } from '../../store/index.ts';
import { verifyPatientHandle } from '../../workflows/identity/patient-handle.ts';
import { sealJson } from '../../workflows/lib/sealed-json.ts';
import { SESSION_VERIFIED_EVENT } from '../session.ts';
import type { ToolContext } from '../tool.ts';

export async function rememberVerifiedPatient(context: ToolContext, handle: string): Promise<void> {
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
  const sealed = sealJson({ patientId: opened.patientId });
  await appendCallEvent(context.store.db, {
    tenantId: session.tenantId,
    callId: session.storeCallId,
    type: SESSION_VERIFIED_EVENT,
    dataEnc: sealed.enc,
    keyId: sealed.keyId,
    now: session.patient.verifiedAt,
  });
}
