// The synthetic clinic the sandbox starts with: a believable small practice across two towns on
// either side of Tennessee's time-zone line, so zone handling is exercised (Knoxville is
// America/New_York, Nashville America/Chicago). Deterministic: the same seed and reference date
// always give the same resources, ids included (seeded PRNG, lib/prng.ts; meta.lastUpdated is
// the reference date).
//
//   1 clinic Organization, 5 payor Organizations (type `pay`)
//   2 Locations, with the R5-backported `timezone` extension and hours of operation
//   6 Practitioners, 2 in each of 3 specialties, each with a PractitionerRole and a Schedule
//   free 20-minute Slots on weekdays, 9:00-12:00 and 13:00-17:00 local time, for 30 days
//   50 Patients with an MRN; two of them share a name (told apart by birth date)
//   12 booked Appointments in the next two weeks, their Slots busy

import type {
  Appointment,
  CodeableConcept,
  Coding,
  Location,
  Organization,
  Patient,
  Practitioner,
  PractitionerRole,
  Resource,
  Schedule,
  Slot,
} from '@medplum/fhirtypes';
import type { FhirStore } from './fhir-store.ts';
import { createPrng, type Prng } from './lib/prng.ts';
import {
  FAMILY_NAMES,
  FEMALE_GIVEN_NAMES,
  MALE_GIVEN_NAMES,
  REGIONS,
  type RegionKey,
  SPANISH_GIVEN_NAMES,
  STREET_NAMES,
} from './lib/seed-data.ts';
import { addDays, formatLocalDate, toInstant, toLocalDateTime, weekday } from './lib/time-zone.ts';
import { VISIT_TYPE_DEFINITIONS, type VisitTypeDefinition } from './scheduling/visit-types.ts';
import { warmSearchIndex } from './search.ts';

export const DEFAULT_SEED = 1;
export const SEED_HORIZON_DAYS = 30;
export const SLOT_MINUTES = 20;
/** Clinic sessions in local wall-clock hours: [start, end). */
export const CLINIC_SESSIONS: readonly (readonly [number, number])[] = [
  [9, 12],
  [13, 17],
];
export const SEED_PATIENT_COUNT = 50;
export const SEED_BOOKED_APPOINTMENTS = 12;
/** Slot parameters indexed at seed time (search.ts warmSearchIndex). */
const SLOT_SEARCH_PARAMETERS = ['schedule', 'start', 'status', 'service-type', 'specialty'];
/** Booked appointments fall within this many days of the reference date. */
const BOOKED_WITHIN_DAYS = 14;

export const MRN_SYSTEM = 'urn:oid:2.16.840.1.113883.3.ehrgate.mrn';
export { EPIC_VISIT_TYPE_SYSTEM, VISIT_TYPE_SYSTEM } from './scheduling/visit-types.ts';
export const NPI_SYSTEM = 'http://hl7.org/fhir/sid/us-npi';
/** FHIR extension `timezone` (IANA code), published for R4 in the extensions pack. */
export const TIMEZONE_EXTENSION_URL = 'http://hl7.org/fhir/StructureDefinition/timezone';
const SNOMED = 'http://snomed.info/sct';
const NUCC = 'http://nucc.org/provider-taxonomy';

export interface SpecialtyDefinition {
  readonly key: 'family-medicine' | 'pediatrics' | 'cardiology';
  readonly display: string;
  readonly snomed: Coding;
  readonly nucc: Coding;
}

/** SNOMED CT codes from the R4 "Practice Setting Code" value set; NUCC taxonomy for US billing. */
export const SPECIALTIES: readonly SpecialtyDefinition[] = [
  {
    key: 'family-medicine',
    display: 'Family Medicine',
    snomed: { system: SNOMED, code: '419772000', display: 'Family practice' },
    nucc: { system: NUCC, code: '207Q00000X', display: 'Family Medicine Physician' },
  },
  {
    key: 'pediatrics',
    display: 'Pediatrics',
    snomed: { system: SNOMED, code: '394537008', display: 'Pediatric specialty' },
    nucc: { system: NUCC, code: '208000000X', display: 'Pediatrics Physician' },
  },
  {
    key: 'cardiology',
    display: 'Cardiology',
    snomed: { system: SNOMED, code: '394579002', display: 'Cardiology' },
    nucc: { system: NUCC, code: '207RC0000X', display: 'Cardiovascular Disease Physician' },
  },
];

export const VISIT_TYPES = {
  newPatient: VISIT_TYPE_DEFINITIONS[0].sandbox,
  followUp: VISIT_TYPE_DEFINITIONS[1].sandbox,
} as const satisfies Record<string, Coding>;

/** Each visit type with the sandbox's coding and the Epic-style one (scheduling/visit-types.ts). */
function visitTypeConcept(definition: VisitTypeDefinition): CodeableConcept {
  return { coding: [definition.sandbox, definition.epic], text: definition.display };
}

const ROUTINE: CodeableConcept = {
  coding: [
    {
      system: 'http://terminology.hl7.org/CodeSystem/v2-0276',
      code: 'ROUTINE',
      display: 'Routine appointment',
    },
  ],
};

interface LocationDefinition {
  readonly key: 'main-street' | 'riverside';
  readonly name: string;
  readonly line: string;
  readonly region: RegionKey;
  readonly postalCode: string;
  readonly timeZone: string;
  readonly phone: string;
}

const LOCATIONS: readonly LocationDefinition[] = [
  {
    key: 'main-street',
    name: 'Main Street Clinic',
    line: '412 Main Street',
    region: 'knoxville',
    postalCode: '37902',
    timeZone: 'America/New_York',
    phone: '865-555-0110',
  },
  {
    key: 'riverside',
    name: 'Riverside Clinic',
    line: '1500 Riverside Drive',
    region: 'nashville',
    postalCode: '37206',
    timeZone: 'America/Chicago',
    phone: '615-555-0120',
  },
];

interface PractitionerDefinition {
  readonly given: string;
  readonly family: string;
  readonly gender: 'female' | 'male';
  readonly suffix: 'MD' | 'DO';
  readonly specialty: SpecialtyDefinition['key'];
  readonly location: LocationDefinition['key'];
}

const PRACTITIONERS: readonly PractitionerDefinition[] = [
  {
    given: 'Maria',
    family: 'Alvarez',
    gender: 'female',
    suffix: 'MD',
    specialty: 'family-medicine',
    location: 'main-street',
  },
  {
    given: 'James',
    family: 'Okafor',
    gender: 'male',
    suffix: 'DO',
    specialty: 'family-medicine',
    location: 'riverside',
  },
  {
    given: 'Priya',
    family: 'Raman',
    gender: 'female',
    suffix: 'MD',
    specialty: 'pediatrics',
    location: 'main-street',
  },
  {
    given: 'Daniel',
    family: 'Kim',
    gender: 'male',
    suffix: 'MD',
    specialty: 'pediatrics',
    location: 'riverside',
  },
  {
    given: 'Sarah',
    family: 'Goldberg',
    gender: 'female',
    suffix: 'MD',
    specialty: 'cardiology',
    location: 'main-street',
  },
  {
    given: 'Marcus',
    family: 'Washington',
    gender: 'male',
    suffix: 'MD',
    specialty: 'cardiology',
    location: 'riverside',
  },
];

const CLINIC_NAME = 'Valley Health Partners';

const PAYORS: readonly { name: string; alias?: string }[] = [
  { name: 'Blue Cross Blue Shield', alias: 'BCBS' },
  { name: 'Aetna' },
  { name: 'UnitedHealthcare', alias: 'UHC' },
  { name: 'Cigna Healthcare' },
  { name: 'Medicare' },
];

export interface SeedOptions {
  /** PRNG seed; default DEFAULT_SEED. */
  readonly seed?: number;
  /** "Now" for the clinic: slots start after it; default the current time. */
  readonly referenceDate?: Date;
}

export interface SeedSummary {
  readonly seed: number;
  readonly referenceDate: string;
  readonly counts: {
    /** The clinic plus the payors. */
    readonly organizations: number;
    readonly payors: number;
    readonly locations: number;
    readonly practitioners: number;
    readonly practitionerRoles: number;
    readonly specialties: number;
    readonly schedules: number;
    readonly slots: number;
    readonly freeSlots: number;
    readonly busySlots: number;
    readonly patients: number;
    readonly appointments: number;
  };
  readonly organization: { readonly id: string; readonly name: string };
  readonly locations: readonly { readonly id: string; readonly name: string; readonly timeZone: string }[];
  readonly practitioners: readonly {
    readonly id: string;
    readonly name: string;
    readonly specialty: SpecialtyDefinition['key'];
    readonly locationId: string;
    readonly practitionerRoleId: string;
    readonly scheduleId: string;
  }[];
  readonly payors: readonly { readonly id: string; readonly name: string }[];
  readonly patients: readonly { readonly id: string; readonly mrn: string }[];
  /** Two patients with the same name and different birth dates, for identity-verification tests. */
  readonly sameNamePatientIds: readonly [string, string];
  readonly appointments: readonly {
    readonly id: string;
    readonly patientId: string;
    readonly slotId: string;
  }[];
}

export interface Seed {
  readonly resources: readonly Resource[];
  readonly summary: SeedSummary;
}

function instantString(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}

function specialtyConcept(specialty: SpecialtyDefinition): CodeableConcept {
  return { coding: [specialty.snomed, specialty.nucc], text: specialty.display };
}

/** A 10-digit NPI with its Luhn check digit over the `80840` prefix (CMS NPI check digit spec). */
function npi(prng: Prng): string {
  const base = `1${String(prng.int(0, 99_999_999)).padStart(8, '0')}`;
  const digits = `80840${base}`.split('').map(Number);
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits[digits.length - 1 - i];
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return `${base}${(10 - (sum % 10)) % 10}`;
}

function weekdayHours(): Location['hoursOfOperation'] {
  return [
    { daysOfWeek: ['mon', 'tue', 'wed', 'thu', 'fri'], openingTime: '09:00:00', closingTime: '17:00:00' },
  ];
}

interface PatientDraft {
  readonly given: string;
  readonly middle?: string;
  readonly family: string;
  readonly gender: 'female' | 'male';
}

function drawName(prng: Prng, taken: Set<string>): PatientDraft {
  for (;;) {
    const gender = prng.chance(0.5) ? 'female' : 'male';
    const names = gender === 'female' ? FEMALE_GIVEN_NAMES : MALE_GIVEN_NAMES;
    const given = prng.pick(names);
    const family = prng.pick(FAMILY_NAMES);
    const middle = prng.chance(0.3) ? prng.pick(names) : undefined;
    const key = `${given} ${family}`;
    if (taken.has(key) || middle === given) continue;
    taken.add(key);
    return { given, family, gender, ...(middle === undefined ? {} : { middle }) };
  }
}

function drawBirthDate(prng: Prng, referenceDate: Date): string {
  const bucket = prng.next();
  const age = bucket < 0.2 ? prng.int(1, 17) : bucket < 0.8 ? prng.int(18, 64) : prng.int(65, 92);
  const birth = new Date(referenceDate.getTime());
  birth.setUTCFullYear(birth.getUTCFullYear() - age);
  birth.setUTCDate(birth.getUTCDate() - prng.int(1, 360));
  return birth.toISOString().slice(0, 10);
}

/** Builds the clinic without touching a store (pure; the same options give the same output). */
export function buildSeed(options: SeedOptions = {}): Seed {
  const seed = options.seed ?? DEFAULT_SEED;
  const referenceDate = options.referenceDate ?? new Date();
  const prng = createPrng(seed);
  const meta = { lastUpdated: referenceDate.toISOString() };
  const resources: Resource[] = [];

  const organization: Organization = {
    resourceType: 'Organization',
    id: prng.uuid(),
    meta,
    identifier: [{ system: NPI_SYSTEM, value: npi(prng) }],
    active: true,
    type: [
      {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/organization-type',
            code: 'prov',
            display: 'Healthcare Provider',
          },
        ],
      },
    ],
    name: CLINIC_NAME,
    telecom: [{ system: 'phone', value: '865-555-0100', use: 'work' }],
    address: [
      {
        use: 'work',
        line: ['400 Main Street'],
        city: 'Knoxville',
        state: 'TN',
        postalCode: '37902',
        country: 'US',
      },
    ],
  };
  resources.push(organization);
  const organizationRef = { reference: `Organization/${organization.id}`, display: CLINIC_NAME };

  const payors = PAYORS.map(
    (payor): Organization => ({
      resourceType: 'Organization',
      id: prng.uuid(),
      meta,
      active: true,
      type: [
        {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/organization-type',
              code: 'pay',
              display: 'Payer',
            },
          ],
        },
      ],
      name: payor.name,
      ...(payor.alias === undefined ? {} : { alias: [payor.alias] }),
    }),
  );
  resources.push(...payors);

  const locations = new Map<LocationDefinition['key'], Location & { id: string }>();
  for (const definition of LOCATIONS) {
    const region = REGIONS[definition.region];
    const location: Location & { id: string } = {
      resourceType: 'Location',
      id: prng.uuid(),
      meta,
      extension: [{ url: TIMEZONE_EXTENSION_URL, valueCode: definition.timeZone }],
      status: 'active',
      name: definition.name,
      mode: 'instance',
      type: [
        {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode',
              code: 'OF',
              display: 'Outpatient facility',
            },
          ],
        },
      ],
      telecom: [{ system: 'phone', value: definition.phone, use: 'work' }],
      address: {
        use: 'work',
        line: [definition.line],
        city: region.city,
        state: region.state,
        postalCode: definition.postalCode,
        country: 'US',
      },
      managingOrganization: organizationRef,
      hoursOfOperation: weekdayHours(),
    };
    locations.set(definition.key, location);
    resources.push(location);
  }

  const serviceTypes: CodeableConcept[] = VISIT_TYPE_DEFINITIONS.map(visitTypeConcept);
  const horizonStart = referenceDate;
  const horizonEnd = new Date(referenceDate.getTime() + SEED_HORIZON_DAYS * 86_400_000);

  const practitionerSummaries: SeedSummary['practitioners'][number][] = [];
  const slots: (Slot & { id: string })[] = [];
  const slotPractitioner = new Map<string, number>();
  for (const [index, definition] of PRACTITIONERS.entries()) {
    const specialty = SPECIALTIES.find((s) => s.key === definition.specialty) as SpecialtyDefinition;
    const location = locations.get(definition.location) as Location & { id: string };
    const locationDefinition = LOCATIONS.find((l) => l.key === definition.location) as LocationDefinition;
    const areaCode = REGIONS[locationDefinition.region].areaCode;
    const display = `Dr. ${definition.given} ${definition.family}, ${definition.suffix}`;
    const practitioner: Practitioner & { id: string } = {
      resourceType: 'Practitioner',
      id: prng.uuid(),
      meta,
      identifier: [{ system: NPI_SYSTEM, value: npi(prng) }],
      active: true,
      name: [
        {
          use: 'official',
          family: definition.family,
          given: [definition.given],
          prefix: ['Dr.'],
          suffix: [definition.suffix],
        },
      ],
      telecom: [
        { system: 'phone', value: `${areaCode}-555-01${String(30 + index).padStart(2, '0')}`, use: 'work' },
      ],
      gender: definition.gender,
    };
    const practitionerRef = { reference: `Practitioner/${practitioner.id}`, display };
    const locationRef = { reference: `Location/${location.id}`, display: location.name };
    const role: PractitionerRole & { id: string } = {
      resourceType: 'PractitionerRole',
      id: prng.uuid(),
      meta,
      active: true,
      practitioner: practitionerRef,
      organization: organizationRef,
      code: [
        {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/practitioner-role',
              code: 'doctor',
              display: 'Doctor',
            },
          ],
        },
      ],
      specialty: [specialtyConcept(specialty)],
      location: [locationRef],
      availableTime: [
        {
          daysOfWeek: ['mon', 'tue', 'wed', 'thu', 'fri'],
          availableStartTime: '09:00:00',
          availableEndTime: '17:00:00',
        },
      ],
    };
    const schedule: Schedule & { id: string } = {
      resourceType: 'Schedule',
      id: prng.uuid(),
      meta,
      active: true,
      serviceType: serviceTypes,
      specialty: [specialtyConcept(specialty)],
      actor: [practitionerRef, locationRef],
      planningHorizon: { start: instantString(horizonStart), end: instantString(horizonEnd) },
      comment: `${display}, ${location.name}`,
    };
    resources.push(practitioner, role, schedule);
    practitionerSummaries.push({
      id: practitioner.id,
      name: display,
      specialty: specialty.key,
      locationId: location.id,
      practitionerRoleId: role.id,
      scheduleId: schedule.id,
    });

    const timeZone = locationDefinition.timeZone;
    const today = toLocalDateTime(referenceDate, timeZone);
    for (let offset = 0; offset < SEED_HORIZON_DAYS; offset++) {
      const date = addDays(today, offset);
      const day = weekday(date);
      if (day === 0 || day === 6) continue;
      for (const [startHour, endHour] of CLINIC_SESSIONS) {
        for (let minutes = startHour * 60; minutes < endHour * 60; minutes += SLOT_MINUTES) {
          const start = toInstant(
            { ...date, hour: Math.floor(minutes / 60), minute: minutes % 60 },
            timeZone,
          );
          if (start.getTime() <= referenceDate.getTime()) continue;
          const slot: Slot & { id: string } = {
            resourceType: 'Slot',
            id: prng.uuid(),
            meta,
            serviceType: serviceTypes,
            specialty: [specialtyConcept(specialty)],
            appointmentType: ROUTINE,
            schedule: { reference: `Schedule/${schedule.id}` },
            status: 'free',
            start: instantString(start),
            end: instantString(new Date(start.getTime() + SLOT_MINUTES * 60_000)),
            comment: `${formatLocalDate(date)} ${location.name}`,
          };
          slots.push(slot);
          slotPractitioner.set(slot.id, index);
        }
      }
    }
  }

  const taken = new Set<string>();
  const patients: (Patient & { id: string })[] = [];
  const patientSummaries: { id: string; mrn: string }[] = [];
  const mrns = new Set<string>();
  let twin: PatientDraft | undefined;
  for (let i = 0; i < SEED_PATIENT_COUNT; i++) {
    // Patient 1 deliberately shares patient 0's name: callers must be told apart by birth date.
    const name = i === 1 && twin !== undefined ? twin : drawName(prng, taken);
    if (i === 0) twin = name;
    const regionKey: RegionKey = prng.chance(0.5) ? 'knoxville' : 'nashville';
    const region = REGIONS[regionKey];
    let mrn: string;
    do mrn = String(prng.int(1_000_000, 9_999_999));
    while (mrns.has(mrn));
    mrns.add(mrn);
    let birthDate = drawBirthDate(prng, referenceDate);
    if (i === 1 && birthDate === patients[0].birthDate)
      birthDate = `${Number(birthDate.slice(0, 4)) - 1}${birthDate.slice(4)}`;
    const isChild = Number(referenceDate.toISOString().slice(0, 4)) - Number(birthDate.slice(0, 4)) < 18;
    const gpSpecialty = isChild ? 'pediatrics' : 'family-medicine';
    const gpLocation = regionKey === 'knoxville' ? 'main-street' : 'riverside';
    const gp = PRACTITIONERS.findIndex((p) => p.specialty === gpSpecialty && p.location === gpLocation);
    const email = prng.chance(0.6)
      ? `${name.given}.${name.family}${prng.int(1, 99)}@example.com`.toLowerCase().replace(/'/g, '')
      : undefined;
    const spanish = SPANISH_GIVEN_NAMES.has(name.given) && prng.chance(0.6);
    const patient: Patient & { id: string } = {
      resourceType: 'Patient',
      id: prng.uuid(),
      meta,
      identifier: [
        {
          use: 'usual',
          type: {
            coding: [
              {
                system: 'http://terminology.hl7.org/CodeSystem/v2-0203',
                code: 'MR',
                display: 'Medical record number',
              },
            ],
            text: 'MRN',
          },
          system: MRN_SYSTEM,
          value: mrn,
          assigner: organizationRef,
        },
      ],
      active: true,
      name: [
        {
          use: 'official',
          family: name.family,
          given: name.middle === undefined ? [name.given] : [name.given, name.middle],
        },
      ],
      telecom: [
        {
          system: 'phone',
          value: `${region.areaCode}-555-01${String(50 + i).padStart(2, '0')}`,
          use: prng.chance(0.7) ? 'mobile' : 'home',
        },
        ...(email === undefined ? [] : [{ system: 'email' as const, value: email, use: 'home' as const }]),
      ],
      gender: name.gender,
      birthDate,
      address: [
        {
          use: 'home',
          type: 'both',
          line: [`${prng.int(100, 9899)} ${prng.pick(STREET_NAMES)}`],
          city: region.city,
          state: region.state,
          postalCode: prng.pick(region.postalCodes),
          country: 'US',
        },
      ],
      ...(spanish
        ? {
            communication: [
              {
                language: {
                  coding: [{ system: 'urn:ietf:bcp:47', code: 'es', display: 'Spanish' }],
                  text: 'Spanish',
                },
                preferred: true,
              },
            ],
          }
        : {}),
      generalPractitioner: [{ reference: `Practitioner/${practitionerSummaries[gp].id}` }],
      managingOrganization: organizationRef,
    };
    patients.push(patient);
    patientSummaries.push({ id: patient.id, mrn });
  }

  const soon = slots.filter(
    (s) => new Date(s.start as string).getTime() < referenceDate.getTime() + BOOKED_WITHIN_DAYS * 86_400_000,
  );
  const appointments: (Appointment & { id: string })[] = [];
  const bookedPatients = new Set<number>();
  const booked: { id: string; patientId: string; slotId: string }[] = [];
  while (appointments.length < Math.min(SEED_BOOKED_APPOINTMENTS, soon.length)) {
    const slot = prng.pick(soon);
    if (slot.status === 'busy') continue;
    const patientIndex = prng.int(0, patients.length - 1);
    if (bookedPatients.has(patientIndex)) continue;
    bookedPatients.add(patientIndex);
    slot.status = 'busy';
    const patient = patients[patientIndex];
    const practitioner = practitionerSummaries[slotPractitioner.get(slot.id) as number];
    const location = [...locations.values()].find((l) => l.id === practitioner.locationId) as Location & {
      id: string;
    };
    const specialty = SPECIALTIES.find((s) => s.key === practitioner.specialty) as SpecialtyDefinition;
    const appointmentId = prng.uuid();
    booked.push({ id: appointmentId, patientId: patient.id, slotId: slot.id });
    appointments.push({
      resourceType: 'Appointment',
      id: appointmentId,
      meta,
      status: 'booked',
      serviceType: [visitTypeConcept(VISIT_TYPE_DEFINITIONS[1])],
      specialty: [specialtyConcept(specialty)],
      appointmentType: ROUTINE,
      description: VISIT_TYPES.followUp.display,
      start: slot.start,
      end: slot.end,
      minutesDuration: SLOT_MINUTES,
      slot: [{ reference: `Slot/${slot.id}` }],
      created: new Date(referenceDate.getTime() - prng.int(1, 20) * 86_400_000).toISOString(),
      participant: [
        { actor: { reference: `Patient/${patient.id}` }, required: 'required', status: 'accepted' },
        {
          actor: { reference: `Practitioner/${practitioner.id}`, display: practitioner.name },
          required: 'required',
          status: 'accepted',
        },
        {
          actor: { reference: `Location/${location.id}`, display: location.name },
          required: 'required',
          status: 'accepted',
        },
      ],
    });
  }

  resources.push(...slots, ...patients, ...appointments);
  const busySlots = slots.filter((s) => s.status === 'busy').length;
  return {
    resources,
    summary: {
      seed,
      referenceDate: referenceDate.toISOString(),
      counts: {
        organizations: 1 + payors.length,
        payors: payors.length,
        locations: locations.size,
        practitioners: PRACTITIONERS.length,
        practitionerRoles: PRACTITIONERS.length,
        specialties: SPECIALTIES.length,
        schedules: PRACTITIONERS.length,
        slots: slots.length,
        freeSlots: slots.length - busySlots,
        busySlots,
        patients: patients.length,
        appointments: appointments.length,
      },
      organization: { id: organization.id as string, name: CLINIC_NAME },
      locations: LOCATIONS.map((definition) => {
        const location = locations.get(definition.key) as Location & { id: string };
        return { id: location.id, name: definition.name, timeZone: definition.timeZone };
      }),
      practitioners: practitionerSummaries,
      payors: payors.map((p) => ({ id: p.id as string, name: p.name as string })),
      patients: patientSummaries,
      sameNamePatientIds: [patients[0].id, patients[1].id],
      appointments: booked,
    },
  };
}

/**
 * Loads the clinic into `store`. Validation is off by default: measured on this machine it adds
 * ~0.3 s (about 0.1 ms per resource) to a ~0.25 s seed, and test/sandbox/seed.test.ts validates
 * every seeded resource instead.
 */
export async function seedStore(
  store: FhirStore,
  options: SeedOptions & { readonly validate?: boolean } = {},
): Promise<SeedSummary> {
  const { resources, summary } = buildSeed(options);
  await store.load(resources, { validate: options.validate ?? false });
  // Slot searches are what callers wait on during a call; index the parameters they use now.
  warmSearchIndex(store, 'Slot', SLOT_SEARCH_PARAMETERS);
  return summary;
}
