// `audit export --call ID --format fhir`: one call told step by step as FHIR R4 AuditEvents in a
// collection Bundle, shaped after IHE BALP (https://profiles.ihe.net/ITI/BALP/): the tool calls
// and results the router recorded (call_events) and the chained audit records of the call (EHR
// requests, security events), in the order they happened. Call-event data is sealed and may hold
// PHI, so only its tool name and error code are carried over. The patient reference and search
// query of a record are disclosed here on purpose: the export is for an authorised auditor
// (BALP puts both in AuditEvent.entity).
import { OperationOutcomeError, validateResource } from '@medplum/core';
import type { AuditEvent, AuditEventEntity, Bundle, Coding, Reference } from '@medplum/fhirtypes';
import { EhrgateError } from '../../errors.ts';
import type { AuditRecordRow, CallEventRow, Store } from '../../store/index.ts';
import { openJson } from '../../workflows/lib/sealed-json.ts';
import { AUDIT_OUTCOMES, type AuditDetail } from './audit-entry.ts';
import { loadAuditSchema } from './lib/audit-schema.ts';

const AUDIT_EVENT_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-event-type';
const RESTFUL_INTERACTION = 'http://hl7.org/fhir/restful-interaction';
const DICOM = 'http://dicom.nema.org/resources/ontology/DCM';
const EHRGATE_EVENT = 'https://ehrgate.dev/fhir/CodeSystem/call-event';
const OBJECT_ROLE = 'http://terminology.hl7.org/CodeSystem/object-role';

type Step = { at: number; order: number; event: AuditEvent };

export async function exportCallAuditBundle(
  store: Pick<Store, 'db'>,
  query: { callId: string; tenantId?: string },
): Promise<Bundle<AuditEvent>> {
  let records = store.db.selectFrom('audit_log').selectAll().where('call_id', '=', query.callId);
  let events = store.db.selectFrom('call_events').selectAll().where('call_id', '=', query.callId);
  if (query.tenantId !== undefined) {
    records = records.where('tenant_id', '=', query.tenantId);
    events = events.where('tenant_id', '=', query.tenantId);
  }
  const [recordRows, eventRows] = await Promise.all([
    records.orderBy('seq').execute(),
    events.orderBy('seq').execute(),
  ]);
  if (recordRows.length === 0 && eventRows.length === 0) {
    throw new EhrgateError('ERR_INVALID_INPUT', `no audit events for call ${query.callId}`);
  }
  const steps: Step[] = [
    // A security event is written both as a call event and as a chained record: told once, from the chain.
    ...eventRows
      .filter((row) => !row.type.startsWith('security.'))
      .map((row) => ({ at: Number(row.at), order: 0, event: fromCallEvent(row) })),
    ...recordRows.map((row) => ({ at: Number(row.at), order: 1, event: fromAuditRecord(row) })),
  ];
  // A stable sort: same-millisecond steps keep each source's own order.
  steps.sort((a, b) => a.at - b.at || a.order - b.order);
  const bundle: Bundle<AuditEvent> = {
    resourceType: 'Bundle',
    type: 'collection',
    timestamp: new Date().toISOString(),
    entry: steps.map((step) => ({ resource: step.event })),
  };
  assertValid(bundle);
  return bundle;
}

function assertValid(bundle: Bundle<AuditEvent>): void {
  loadAuditSchema();
  try {
    validateResource(bundle);
    for (const entry of bundle.entry ?? []) if (entry.resource) validateResource(entry.resource);
  } catch (error) {
    const detail =
      error instanceof OperationOutcomeError
        ? (error.outcome.issue ?? []).map((i) => `${i.details?.text ?? i.diagnostics} ${i.expression ?? ''}`)
        : [String(error)];
    throw new EhrgateError(
      'ERR_RESOURCE_INVALID',
      `audit export is not valid FHIR R4: ${detail.join('; ')}`,
      {
        cause: error,
      },
    );
  }
}

const SOURCE: AuditEvent['source'] = {
  observer: { display: 'ehrgate' },
  type: [
    {
      system: 'http://terminology.hl7.org/CodeSystem/security-source-type',
      code: '4',
      display: 'Application Server',
    },
  ],
};

function fromCallEvent(row: CallEventRow): AuditEvent {
  const data = row.data_enc === null ? {} : safeOpen(row.data_enc, row.key_id);
  const tool = typeof data.tool === 'string' ? data.tool : undefined;
  const failed = row.type === 'tool.error' || row.type === 'tool.refused';
  return {
    resourceType: 'AuditEvent',
    id: `call-event-${row.call_id.slice(0, 40)}-${row.seq}`.replace(/[^A-Za-z0-9.-]/g, '-'),
    type: { system: DICOM, code: '110100', display: 'Application Activity' },
    subtype: [{ system: EHRGATE_EVENT, code: row.type }],
    action: 'E',
    recorded: new Date(Number(row.at)).toISOString(),
    outcome: failed ? AUDIT_OUTCOMES.minor_failure : AUDIT_OUTCOMES.success,
    ...(failed && typeof data.code === 'string' ? { outcomeDesc: data.code } : {}),
    agent: [{ who: { display: 'voice agent' }, requestor: true }],
    source: SOURCE,
    entity: [
      ...(tool === undefined ? [] : [{ what: { display: `tool ${tool}` } }]),
      { what: { identifier: { system: 'urn:ehrgate:call', value: row.call_id } } },
    ],
  };
}

function fromAuditRecord(row: AuditRecordRow): AuditEvent {
  const detail: AuditDetail = row.detail_enc === null ? {} : safeOpen(row.detail_enc, row.key_id);
  const security = row.action.startsWith('security.');
  const outcome =
    detail.outcome !== undefined
      ? AUDIT_OUTCOMES[detail.outcome]
      : security
        ? AUDIT_OUTCOMES.minor_failure
        : AUDIT_OUTCOMES.success;
  const entity: AuditEventEntity[] = [];
  if (row.target !== null) {
    const isReference = /^[A-Z][A-Za-z]+\/[A-Za-z0-9.-]{1,64}$/.test(row.target);
    const isType = /^[A-Z][A-Za-z]+$/.test(row.target);
    const what: Reference = isReference
      ? { reference: row.target }
      : isType
        ? ({ type: row.target } as Reference)
        : { display: row.target };
    entity.push({
      what,
      ...(detail.query === undefined ? {} : { query: Buffer.from(detail.query).toString('base64') }),
    });
  }
  if (detail.patient !== undefined) {
    entity.push({
      what: { reference: detail.patient },
      role: { system: OBJECT_ROLE, code: '1', display: 'Patient' },
    });
  }
  if (row.call_id !== null)
    entity.push({ what: { identifier: { system: 'urn:ehrgate:call', value: row.call_id } } });
  return {
    resourceType: 'AuditEvent',
    id: `audit-${row.seq}`,
    type: security ? { system: DICOM, code: '110113', display: 'Security Alert' } : typeOf(row.action),
    ...subtypeOf(row.action, detail),
    action: actionOf(row.action, detail),
    recorded: new Date(Number(row.at)).toISOString(),
    outcome,
    // A read recorded as it went out (audit-ehr-requests.ts): its outcome is in a later record.
    ...(detail.phase === 'sent' ? { outcomeDesc: 'sent; the EHR answer is recorded next' } : {}),
    agent: [{ who: { display: row.actor }, requestor: true }],
    source: SOURCE,
    ...(entity.length === 0 ? {} : { entity }),
  };
}

function typeOf(action: string): Coding {
  return action.startsWith('ehr.')
    ? { system: AUDIT_EVENT_TYPE, code: 'rest', display: 'RESTful Operation' }
    : { system: DICOM, code: '110100', display: 'Application Activity' };
}

// BALP's RESTful subtypes (restful-interaction); the record carries the HTTP method.
function subtypeOf(action: string, detail: AuditDetail): Pick<AuditEvent, 'subtype'> {
  if (!action.startsWith('ehr.')) return { subtype: [{ system: EHRGATE_EVENT, code: action }] };
  const interaction = typeof detail.interaction === 'string' ? detail.interaction : undefined;
  return interaction === undefined ? {} : { subtype: [{ system: RESTFUL_INTERACTION, code: interaction }] };
}

// AuditEvent.action (R4 value set audit-event-action) from the interaction, else the method.
const ACTION_OF_INTERACTION: Readonly<Record<string, AuditEvent['action']>> = {
  read: 'R',
  vread: 'R',
  'search-type': 'R',
  history: 'R',
  create: 'C',
  update: 'U',
  patch: 'U',
  delete: 'D',
  operation: 'E',
};
const ACTION_OF_METHOD: Readonly<Record<string, AuditEvent['action']>> = {
  GET: 'R',
  POST: 'C',
  PUT: 'U',
  PATCH: 'U',
  DELETE: 'D',
};

function actionOf(action: string, detail: AuditDetail): AuditEvent['action'] {
  const byInteraction =
    typeof detail.interaction === 'string' ? ACTION_OF_INTERACTION[detail.interaction] : undefined;
  const byMethod = typeof detail.method === 'string' ? ACTION_OF_METHOD[detail.method] : undefined;
  return byInteraction ?? byMethod ?? (action === 'ehr.read' || action === 'ehr.search' ? 'R' : 'E');
}

function safeOpen(enc: string, keyId: string | null): Record<string, unknown> {
  try {
    const value = openJson<unknown>(enc, keyId);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
