// One EHR request as an audit entry (BALP RESTful activity, https://profiles.ihe.net/ITI/BALP/):
// the FHIR client's onRequest event (fhir/types.ts FhirRequestEvent) already has the query string
// stripped from `path`, so search parameters (names, birth dates) never reach the record. The
// resource type and id stay in clear as the target, except a Patient id, which is sealed as the
// patient reference (audit-entry.ts).
import type { FhirRequestEvent, FhirRequestSentEvent } from '../../fhir/types.ts';
import type { AuditEntry, AuditOutcome } from './audit-entry.ts';

// PascalCase with a lower-case second letter: 'Appointment', not Epic's 'FHIR' or 'R4' base segments.
const RESOURCE_SEGMENT = /^[A-Z][a-z][A-Za-z]*$/;

/** The attempt once its answer (or failure) is in. */
export function ehrRequestAuditEntry(tenantId: string, event: FhirRequestEvent, callId?: string): AuditEntry {
  const request = describeRequest(tenantId, event, callId);
  return {
    ...request,
    outcome: outcomeOf(event.status),
    detail: {
      ...request.detail,
      status: event.status ?? 0,
      ms: Math.round(event.durationMs),
      ...(event.errorCode === undefined ? {} : { errorCode: event.errorCode }),
    },
  };
}

/**
 * The attempt as it went out, before any answer (audit-ehr-requests.ts records reads ahead): no
 * outcome yet, `phase: 'sent'`; the record made from its answer follows.
 */
export function ehrRequestSentAuditEntry(
  tenantId: string,
  event: FhirRequestSentEvent,
  callId?: string,
): AuditEntry {
  const request = describeRequest(tenantId, event, callId);
  return { ...request, detail: { ...request.detail, phase: 'sent' } };
}

function describeRequest(
  tenantId: string,
  event: FhirRequestSentEvent,
  callId: string | undefined,
): AuditEntry & { detail: Record<string, unknown> } {
  const segments = event.path.split('/').filter((s) => s.length > 0);
  const typeAt = segments.findIndex((s) => RESOURCE_SEGMENT.test(s));
  const type = typeAt === -1 ? undefined : segments[typeAt];
  const next = typeAt === -1 ? undefined : segments[typeAt + 1];
  const id = next !== undefined && !next.startsWith('_') && !next.startsWith('$') ? next : undefined;
  const interaction = interactionOf(event.method, id, next);
  const patient = type === 'Patient' && id !== undefined ? `Patient/${id}` : undefined;
  return {
    tenantId,
    actor: 'gateway',
    action: interaction === 'read' ? 'ehr.read' : interaction === 'search-type' ? 'ehr.search' : 'ehr.write',
    ...(callId === undefined ? {} : { callId }),
    target: type === undefined ? null : id === undefined || patient !== undefined ? type : `${type}/${id}`,
    ...(patient === undefined ? {} : { patient }),
    detail: { method: event.method, interaction, attempt: event.attempt },
  };
}

// FHIR R4 restful-interaction codes (http.html): what BALP puts in AuditEvent.subtype.
function interactionOf(method: string, id: string | undefined, next: string | undefined): string {
  switch (method) {
    case 'GET':
      return id === undefined ? 'search-type' : 'read';
    case 'POST':
      if (next === '_search') return 'search-type';
      return next?.startsWith('$') ? 'operation' : 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return 'delete';
    default:
      return 'operation';
  }
}

function outcomeOf(status: number | undefined): AuditOutcome {
  if (status === undefined || status >= 500) return 'serious_failure';
  return status >= 400 ? 'minor_failure' : 'success';
}
