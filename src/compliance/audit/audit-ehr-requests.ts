// The FHIR client's onRequest hook that chains every EHR request (P8), under the call whose tool
// made it, and holds that tool call's answer until the record is durable (call-context.ts).
import type { FhirRequestEvent } from '../../fhir/types.ts';
import type { AuditAppender } from './audit-appender.ts';
import { currentAuditCallId, holdAnswerFor } from './call-context.ts';
import { ehrRequestAuditEntry } from './ehr-request-entry.ts';

export function auditEhrRequests(
  audit: AuditAppender,
  onError: (error: unknown, tenantId: string) => void = () => {},
): (tenantId: string, event: FhirRequestEvent) => void {
  return (tenantId, event) =>
    holdAnswerFor(
      audit
        .append(ehrRequestAuditEntry(tenantId, event, currentAuditCallId()))
        .catch((error: unknown) => onError(error, tenantId)),
    );
}
