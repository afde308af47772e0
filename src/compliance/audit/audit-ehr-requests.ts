// The FHIR client's onRequest hook that chains every EHR request (P8), under the call whose tool
// made it, and holds that tool call's answer until the record is durable (call-context.ts).
// A read inside a tool call goes into the chain with the answer's own record, in one commit: what
// it read leaves the gateway only in that answer. A write, which changed the EHR whatever comes
// next, is committed at once.
import type { FhirRequestEvent } from '../../fhir/types.ts';
import type { AuditAppender } from './audit-appender.ts';
import { currentAuditCallId, holdAnswerFor, inAuditCall } from './call-context.ts';
import { ehrRequestAuditEntry } from './ehr-request-entry.ts';

const READ_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

export function auditEhrRequests(
  audit: AuditAppender,
  onError: (error: unknown, tenantId: string) => void = () => {},
): (tenantId: string, event: FhirRequestEvent) => void {
  return (tenantId, event) => {
    const hold = inAuditCall() && READ_METHODS.has(event.method);
    holdAnswerFor(
      audit
        .append(ehrRequestAuditEntry(tenantId, event, currentAuditCallId()), { hold })
        .catch((error: unknown) => onError(error, tenantId)),
    );
  };
}
