// What the tenant's configuration (DESIGN.md section 6) says about scheduling, in the terms the
// EhrAdapter speaks: the vendor's visit-type coding, EHR ids of practitioners and locations, the
// clinic's time zone and the names the caller hears. The workflow never books outside this list.

import type { TenantConfig, Vendor } from '../../config/types.ts';
import type { SlotCandidate, VisitType } from '../../ehr/adapter.ts';

type Scheduling = NonNullable<TenantConfig['scheduling']>;
export type ConfiguredPractitioner = NonNullable<Scheduling['practitioners']>[number];
export type ConfiguredLocation = NonNullable<Scheduling['locations']>[number];

/** The key of a visit type's coding for each vendor (config/schema.ts `visitType`). */
const CODING_KEY = { epic: 'epic', cerner: 'cerner', 'fhir-r4': 'fhir' } as const satisfies Record<
  Vendor,
  string
>;

/** Where staff work lands when the tenant's routing names no scheduling queue. */
export const DEFAULT_SCHEDULING_QUEUE = 'scheduling';

export type TenantCatalog = {
  readonly tenantId: string;
  readonly timeZone: string;
  readonly staffQueue: string;
  /** The adapter's VisitType for a configured id; undefined when unknown or not coded for this vendor. */
  visitType(id: string): VisitType | undefined;
  /** By configured id or EHR id. */
  practitioner(idOrEhrId: string): ConfiguredPractitioner | undefined;
  location(idOrEhrId: string): ConfiguredLocation | undefined;
  /** The location's zone, else the tenant's. */
  timeZoneOf(locationEhrId: string | undefined): string;
  practitionerName(ref: SlotCandidate['practitioner'] | string | undefined): string | undefined;
  locationName(ref: SlotCandidate['location'] | string | undefined): string | undefined;
};

// "Dr. Maria Alvarez, MD" -> "Dr. Maria Alvarez": credentials read aloud sound odd.
function withoutCredentials(display: string): string {
  return display.replace(/,\s*[A-Z.]{2,}(\s*,\s*[A-Z.]{2,})*\s*$/, '').trim();
}

export function tenantCatalog(tenant: TenantConfig, vendor: Vendor): TenantCatalog {
  const scheduling = tenant.scheduling;
  const visitTypes = scheduling?.visitTypes ?? [];
  const practitioners = scheduling?.practitioners ?? [];
  const locations = scheduling?.locations ?? [];
  const staffQueue =
    tenant.routing?.find((rule) => rule.intent === 'scheduling')?.to.queue ?? DEFAULT_SCHEDULING_QUEUE;
  const practitioner = (key: string) => practitioners.find((p) => p.id === key || p.ehrId === key);
  const location = (key: string) => locations.find((l) => l.id === key || l.ehrId === key);
  const idOf = (ref: { readonly id: string } | string) => (typeof ref === 'string' ? ref : ref.id);
  return {
    tenantId: tenant.id,
    timeZone: tenant.timeZone,
    staffQueue,
    visitType(id) {
      const configured = visitTypes.find((v) => v.id === id);
      const coding = configured?.[CODING_KEY[vendor]];
      if (configured === undefined || coding === undefined) return undefined;
      return { id: configured.id, say: configured.say, minutes: configured.minutes, coding };
    },
    practitioner,
    location,
    timeZoneOf(locationEhrId) {
      return (locationEhrId === undefined ? undefined : location(locationEhrId)?.timeZone) ?? tenant.timeZone;
    },
    practitionerName(ref) {
      if (ref === undefined) return undefined;
      const configured = practitioner(idOf(ref));
      if (configured) return configured.say;
      return typeof ref === 'string' || ref.display === undefined
        ? undefined
        : withoutCredentials(ref.display);
    },
    locationName(ref) {
      if (ref === undefined) return undefined;
      const configured = location(idOf(ref));
      if (configured) return configured.say;
      return typeof ref === 'string' ? undefined : ref.display;
    },
  };
}
