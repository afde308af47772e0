// What each EHR adapter actually sends, per vendor and workflow, written as CapabilityStatement
// terms (R4 capabilitystatement.html: rest.resource.interaction, searchParam, operation,
// conditionalCreate). Kept beside the adapters' own comments: src/ehr/epic (STU3 $find/$book,
// R4 Appointment?patient&date), src/ehr/cerner (Slot?service-type&start, schedule.actor,
// -location; POST and PATCH Appointment), src/ehr/fhir-r4 (Slot search with the Schedule chain,
// Slot update to claim, identifier searches before any resend).
import type { SchedulingConfig, Vendor, Workflow } from '../../config/index.ts';
import type { MappingInput } from '../../mapping/index.ts';
import type { Severity } from '../types.ts';

export type Requirement = {
  readonly workflow: Workflow;
  /** Epic's scheduling operations live on the STU3 base. */
  readonly base: 'r4' | 'stu3';
  readonly resource: string;
  readonly kind: 'interaction' | 'search-param' | 'operation' | 'conditional-create';
  /** Interaction code(s) (any one will do), search parameter name, or operation name without `$`. */
  readonly codes: readonly string[];
  /** How bad its absence is. */
  readonly severity: Severity;
  /** What ehrgate uses it for. */
  readonly why: string;
};

type Builder = {
  interaction(resource: string, codes: string | string[], why: string, severity?: Severity): void;
  params(resource: string, names: readonly string[], why: string, severity?: Severity): void;
  operation(resource: string, name: string, why: string, severity?: Severity, base?: 'r4' | 'stu3'): void;
  conditionalCreate(resource: string, why: string): void;
};

function builder(workflow: Workflow, out: Requirement[]): Builder {
  const push = (r: Omit<Requirement, 'workflow'>) => out.push({ workflow, ...r });
  return {
    interaction: (resource, codes, why, severity = 'blocker') =>
      push({ base: 'r4', resource, kind: 'interaction', codes: [codes].flat(), severity, why }),
    params: (resource, names, why, severity = 'blocker') => {
      for (const name of names)
        push({ base: 'r4', resource, kind: 'search-param', codes: [name], severity, why });
    },
    operation: (resource, name, why, severity = 'blocker', base = 'r4') =>
      push({ base, resource, kind: 'operation', codes: [name], severity, why }),
    conditionalCreate: (resource, why) =>
      push({ base: 'r4', resource, kind: 'conditional-create', codes: [], severity: 'info', why }),
  };
}

export type RequirementInput = {
  readonly vendor: Vendor;
  readonly workflows: readonly Workflow[];
  readonly mapping: MappingInput | undefined;
  readonly scheduling: SchedulingConfig | undefined;
};

export function adapterRequirements(input: RequirementInput): Requirement[] {
  const out: Requirement[] = [];
  const { vendor } = input;
  if (input.workflows.includes('scheduling'))
    scheduling(vendor, input.scheduling, builder('scheduling', out));
  if (input.workflows.includes('identity')) identity(vendor, builder('identity', out));
  if (input.workflows.includes('intake')) intake(vendor, input.mapping, builder('intake', out));
  if (input.workflows.includes('insurance')) insurance(vendor, input.mapping, builder('insurance', out));
  return out;
}

function scheduling(vendor: Vendor, config: SchedulingConfig | undefined, b: Builder): void {
  const practitioners = (config?.practitioners?.length ?? 0) > 0;
  const locations = (config?.locations?.length ?? 0) > 0;
  if (vendor === 'epic') {
    b.operation('Appointment', 'find', 'finding open slots', 'blocker', 'stu3');
    b.operation('Appointment', 'book', 'booking', 'blocker', 'stu3');
  } else {
    b.interaction('Slot', 'search-type', 'finding open slots');
    b.params('Slot', ['service-type', 'start'], 'finding open slots of a visit type');
    if (vendor === 'cerner') {
      if (practitioners) b.params('Slot', ['schedule.actor'], 'slots of the configured practitioners');
      if (locations) b.params('Slot', ['-location'], 'slots at the configured locations');
      b.interaction('Appointment', 'create', 'booking');
      b.interaction('Appointment', 'patch', 'cancelling and rescheduling');
    } else {
      b.params('Slot', ['status'], 'finding free slots');
      if (practitioners || locations)
        b.params('Slot', ['schedule.actor'], 'slots of the configured schedules');
      b.interaction('Slot', 'read', 'claiming a slot before booking');
      b.interaction('Slot', 'update', 'claiming a slot before booking');
      b.interaction('Schedule', 'read', 'naming the practitioner and location of a slot');
      b.interaction('Appointment', 'create', 'booking');
      b.interaction('Appointment', 'patch', 'cancelling and rescheduling');
      b.params('Appointment', ['identifier'], 'finding a booking before any resend');
      b.conditionalCreate('Appointment', 'used where declared; otherwise search-before-resend');
    }
  }
  b.interaction('Appointment', 'read', 'reading a booking back before confirming it');
  b.interaction('Appointment', 'search-type', "listing a caller's appointments");
  b.params('Appointment', ['patient', 'date'], "listing a caller's appointments");
}

function identity(vendor: Vendor, b: Builder): void {
  b.interaction('Patient', 'read', 'verifying the caller');
  b.interaction('Patient', 'search-type', 'finding the caller');
  b.params('Patient', ['family', 'birthdate'], 'finding the caller by name and birth date');
  b.params('Patient', ['given', 'phone', 'address-postalcode'], 'narrowing the search', 'warning');
  b.interaction('Patient', 'create', 'registering a new patient', 'warning');
  if (vendor !== 'cerner') {
    b.operation('Patient', 'match', 'matching the caller (ehrgate falls back to search without it)', 'info');
  }
}

function clinical(vendor: Vendor, type: 'Condition' | 'Observation', b: Builder): void {
  b.interaction(type, 'create', 'writing intake');
  b.interaction(type, 'read', 'reading intake back before confirming it');
  b.interaction(type, 'search-type', 'finding a write before any resend');
  const key = type === 'Condition' ? 'category' : 'code';
  b.params(
    type,
    vendor === 'fhir-r4' ? ['identifier'] : ['patient', key],
    'finding a write before any resend',
  );
}

function intake(vendor: Vendor, mapping: MappingInput | undefined, b: Builder): void {
  const targets = new Set([mapping?.chiefComplaint?.to, mapping?.reasonForVisit?.to]);
  if (targets.has('condition')) clinical(vendor, 'Condition', b);
  if (targets.has('observation')) clinical(vendor, 'Observation', b);
  // Epic takes the note at $book (appointmentNote) and offers no Appointment update.
  if (targets.has('appointment-note') && vendor !== 'epic') {
    b.interaction('Appointment', 'patch', 'adding the note to the booking');
  }
}

function insurance(vendor: Vendor, mapping: MappingInput | undefined, b: Builder): void {
  // Coverage on Epic is refused by the mapping check; work-queue needs nothing from the EHR.
  if (mapping?.insurance?.to !== 'coverage' || vendor === 'epic') return;
  b.interaction('Coverage', 'create', 'writing insurance');
  b.interaction('Coverage', 'read', 'reading insurance back before confirming it');
  b.interaction('Coverage', 'search-type', 'finding a write before any resend');
  b.params('Coverage', [vendor === 'cerner' ? 'patient' : 'identifier'], 'finding a write before any resend');
  b.interaction('Organization', 'search-type', 'finding the payer the caller names', 'warning');
  b.params('Organization', ['type', 'name'], 'finding the payer the caller names', 'warning');
}

/** "Appointment/$find", "Slot search parameter service-type", "Appointment create". */
export function requirementLabel(r: Requirement): string {
  switch (r.kind) {
    case 'operation':
      return `${r.resource}/$${r.codes[0]}${r.base === 'stu3' ? ' (STU3)' : ''}`;
    case 'search-param':
      return `${r.resource} search parameter ${r.codes[0]}`;
    case 'conditional-create':
      return `${r.resource} conditional create`;
    default:
      return `${r.resource} ${r.codes.join(' or ')}`;
  }
}
