// Failed verification attempts of one call, kept as call events (store/calls.ts) so the limit
// holds across gateway processes and the call can be reconstructed later. The event data is what
// the caller said, sealed like every PHI column (../lib/sealed-json.ts); the type is plain.
import { appendCallEvent, listCallEvents } from '../../store/index.ts';
import { sealJson } from '../lib/sealed-json.ts';
import type { IdentityContext } from './context.ts';

export const IDENTITY_FAILED_EVENT = 'identity.failed';
export const IDENTITY_VERIFIED_EVENT = 'identity.verified';

export async function failedAttempts(context: IdentityContext, callId: string): Promise<number> {
  const events = await listCallEvents(context.store.db, context.tenantId, callId);
  return events.filter((e) => e.type === IDENTITY_FAILED_EVENT).length;
}

export async function recordIdentityEvent(
  context: IdentityContext,
  callId: string,
  type: typeof IDENTITY_FAILED_EVENT | typeof IDENTITY_VERIFIED_EVENT,
  data: Readonly<Record<string, unknown>>,
): Promise<void> {
  const sealed = sealJson(data);
  await appendCallEvent(context.store.db, {
    tenantId: context.tenantId,
    callId,
    type,
    dataEnc: sealed.enc,
    keyId: sealed.keyId,
    now: context.now(),
  });
}
