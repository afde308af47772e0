// The FHIR client's hooks that chain every EHR request (P8) under the call whose tool made it
// (call-context.ts).
//
// A read inside a tool call is recorded ahead: its record is committed as soon as the request is
// on the wire, while the EHR works, and the tool call's answer waits for that commit, so nothing
// the read returned leaves the gateway before the read is on disk. What the EHR answered (status,
// time) follows in a second record that rides with the next commit and is not waited for: the
// disk's fsync then overlaps the EHR's round trip instead of following it.
//
// A write, which changed the EHR whatever comes next, is recorded once its answer is in (its
// outcome is the fact that matters), committed at once, and waited for.
import type { FhirRequestEvent, FhirRequestSentEvent } from '../../fhir/types.ts';
import type { AuditAppender } from './audit-appender.ts';
import { currentAuditCallId, holdAnswerFor, inAuditCall } from './call-context.ts';
import { ehrRequestAuditEntry, ehrRequestSentAuditEntry } from './ehr-request-entry.ts';

const READ_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

export type EhrRequestAuditor = {
  /** The FHIR client's onRequestSent. */
  sent(tenantId: string, event: FhirRequestSentEvent): void;
  /** The FHIR client's onRequest. */
  answered(tenantId: string, event: FhirRequestEvent): void;
};

export function auditEhrRequests(
  audit: AuditAppender,
  onError: (error: unknown, tenantId: string) => void = () => {},
): EhrRequestAuditor {
  const recordedAhead = (method: string) => inAuditCall() && READ_METHODS.has(method);
  return {
    sent(tenantId, event) {
      if (!recordedAhead(event.method)) return;
      holdAnswerFor(
        audit
          .append(ehrRequestSentAuditEntry(tenantId, event, currentAuditCallId()))
          .catch((error: unknown) => onError(error, tenantId)),
      );
    },
    answered(tenantId, event) {
      const entry = ehrRequestAuditEntry(tenantId, event, currentAuditCallId());
      if (recordedAhead(event.method)) {
        audit.append(entry, { hold: true }).catch((error: unknown) => onError(error, tenantId));
        return;
      }
      holdAnswerFor(audit.append(entry).catch((error: unknown) => onError(error, tenantId)));
    },
  };
}
