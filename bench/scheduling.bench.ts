// Scheduling (DESIGN.md section 10): a slot search across 10 practitioners' schedules with
// 150 ms injected EHR latency, as a ratio of one request's latency (target <= 1.3), per vendor;
// and booking latency including the verified write's search, write and read-back.
import { randomUUID } from 'node:crypto';
import type { Practitioner, Schedule, Slot } from '@medplum/fhirtypes';
import type { TenantConfig } from '../src/config/types.ts';
import { createEhrAdapter, type EhrAdapter, epicStu3BaseUrl, type VisitType } from '../src/ehr/index.ts';
import { createFhirClient, type FhirClient } from '../src/fhir/index.ts';
import { CERNER_SANDBOX_TENANT } from '../src/sandbox/personalities/cerner.ts';
import { EPIC_VISIT_TYPE_SYSTEM, VISIT_TYPE_SYSTEM } from '../src/sandbox/seed.ts';
import { type SandboxHandle, startSandbox } from '../src/sandbox/server.ts';
import { openCall, openStore } from '../src/store/index.ts';
import { createSchedulingWorkflow } from '../src/workflows/index.ts';
import { type Benchmark, type BenchRow, measureLatency, percentile } from './lib/harness.ts';

const REFERENCE_DATE = new Date('2030-03-04T12:00:00.000Z');
const LATENCY_MS = 150;
const PRACTITIONERS = 10;
const SEARCH_RUNS = 5;
const BOOKINGS = 150;

const VISIT: VisitType = {
  id: 'follow-up',
  say: 'follow-up visit',
  minutes: 20,
  coding: { system: VISIT_TYPE_SYSTEM, code: 'follow-up' },
};

// The seed has six practitioners; four more, each with a copy of an existing schedule's slots,
// make the ten schedules the target is stated for.
async function addPractitioners(sandbox: SandboxHandle, count: number): Promise<string[]> {
  const schedules = [...sandbox.store.all('Schedule')] as Schedule[];
  const slots = [...sandbox.store.all('Slot')] as Slot[];
  const template = schedules[0];
  const templateSlots = slots.filter((slot) => slot.schedule.reference === `Schedule/${template.id}`);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const practitioner = await sandbox.store.create<Practitioner>({
      resourceType: 'Practitioner',
      name: [{ family: `Bench${i}`, given: ['Pat'], prefix: ['Dr.'] }],
    });
    const practitionerId = practitioner.resource.id!;
    const schedule = await sandbox.store.create<Schedule>({
      ...template,
      id: undefined,
      meta: undefined,
      actor: template.actor.map((actor) =>
        actor.reference?.startsWith('Practitioner/')
          ? { reference: `Practitioner/${practitionerId}` }
          : actor,
      ),
    });
    for (const slot of templateSlots) {
      await sandbox.store.create<Slot>({
        ...slot,
        id: undefined,
        meta: undefined,
        schedule: { reference: `Schedule/${schedule.resource.id}` },
      });
    }
    ids.push(practitionerId);
  }
  return ids;
}

type VendorSetup = {
  name: string;
  adapter: EhrAdapter;
  clients: FhirClient[];
  visit: VisitType;
  pathRegex: string;
};

function vendorSetups(sandbox: SandboxHandle): VendorSetup[] {
  const r4 = createFhirClient({ baseUrl: sandbox.r4BaseUrl });
  const cerner = createFhirClient({ baseUrl: `${sandbox.url}/r4/${CERNER_SANDBOX_TENANT}` });
  const epicR4 = createFhirClient({ baseUrl: `${sandbox.url}/api/FHIR/R4` });
  const epicStu3 = createFhirClient({ baseUrl: epicStu3BaseUrl(`${sandbox.url}/api/FHIR/R4`) });
  return [
    {
      name: 'fhir-r4',
      adapter: createEhrAdapter({ vendor: 'fhir-r4', fhir: r4 }),
      clients: [r4],
      visit: VISIT,
      pathRegex: '/fhir/R4/Slot',
    },
    {
      name: 'cerner',
      adapter: createEhrAdapter({ vendor: 'cerner', fhir: cerner }),
      clients: [cerner],
      visit: VISIT,
      pathRegex: '/r4/[^/]+/Slot',
    },
    {
      name: 'epic',
      adapter: createEhrAdapter({ vendor: 'epic', fhir: epicR4, stu3: epicStu3 }),
      clients: [epicR4, epicStu3],
      visit: { ...VISIT, coding: { system: EPIC_VISIT_TYPE_SYSTEM, code: '1002' } },
      pathRegex: '/api/FHIR/STU3/Appointment/\\$find',
    },
  ];
}

async function searchRatio(
  sandbox: SandboxHandle,
  setup: VendorSetup,
  practitionerIds: string[],
): Promise<BenchRow[]> {
  const from = new Date(REFERENCE_DATE.getTime() + 86_400_000);
  const query = {
    visitType: setup.visit,
    practitionerIds,
    from,
    to: new Date(from.getTime() + 7 * 86_400_000),
    timeZone: 'America/New_York',
    limit: 3,
  };
  sandbox.faults.addRule({ match: { pathRegex: setup.pathRegex }, fault: { latencyMs: LATENCY_MS } });
  try {
    const single: number[] = [];
    const fanned: number[] = [];
    for (let run = 0; run < SEARCH_RUNS; run++) {
      let t0 = performance.now();
      await setup.adapter.findSlots({ ...query, practitionerIds: practitionerIds.slice(0, 1) });
      single.push(performance.now() - t0);
      t0 = performance.now();
      const found = await setup.adapter.findSlots(query);
      fanned.push(performance.now() - t0);
      if (found.candidates.length === 0) throw new Error(`${setup.name}: the search found no slots`);
    }
    single.sort((a, b) => a - b);
    fanned.sort((a, b) => a - b);
    const one = percentile(single, 50);
    const ten = percentile(fanned, 50);
    return [
      { name: `${setup.name}: one practitioner, ${LATENCY_MS} ms EHR latency (p50)`, value: one, unit: 'ms' },
      { name: `${setup.name}: ${practitionerIds.length} practitioners (p50)`, value: ten, unit: 'ms' },
      {
        name: `${setup.name}: ${practitionerIds.length}-practitioner search / one request`,
        value: ten / one,
        unit: 'x',
        target: '<= 1.3',
      },
    ];
  } finally {
    sandbox.faults.clear();
  }
}

async function bookingLatency(sandbox: SandboxHandle): Promise<BenchRow[]> {
  const fhir = createFhirClient({ baseUrl: sandbox.r4BaseUrl });
  const adapter = createEhrAdapter({ vendor: 'fhir-r4', fhir });
  const store = await openStore({ url: ':memory:' });
  const tenant: TenantConfig = {
    id: 'bench',
    name: 'Bench',
    production: false,
    timeZone: 'America/New_York',
    ehr: { vendor: 'fhir-r4', baseUrl: sandbox.r4BaseUrl, auth: { method: 'none' } },
    workflows: ['scheduling'],
    scheduling: {
      visitTypes: [{ id: 'follow-up', say: 'follow-up visit', minutes: 20, fhir: VISIT.coding }],
    },
    subprocessors: [],
  } as unknown as TenantConfig;
  const now = REFERENCE_DATE.getTime();
  const workflow = createSchedulingWorkflow({
    tenant,
    adapter,
    store,
    offerSecret: 'bench-offer-secret-0123456789abcdef-not-a-real-one',
    now: () => now,
  });
  try {
    const patients = sandbox.seed.patients.map((p) => p.id);
    const offers: string[] = [];
    let from = new Date(now + 86_400_000);
    while (offers.length < BOOKINGS) {
      const callId = 'bench-call';
      if (offers.length === 0)
        await openCall(store.db, { tenantId: tenant.id, channel: 'bench', id: callId, now });
      const found = await workflow.findSlots({
        callId,
        visitType: 'follow-up',
        from: from.toISOString(),
        to: new Date(from.getTime() + 86_400_000).toISOString(),
        limit: 10,
      });
      if (found.status !== 'found') throw new Error(`bench: slot search answered ${JSON.stringify(found)}`);
      offers.push(...found.offers.map((offer) => offer.offer));
      from = new Date(from.getTime() + 86_400_000);
    }
    const summary = await measureLatency(BOOKINGS, 1, async (i) => {
      const outcome = await workflow.book({
        callId: 'bench-call',
        idempotencyKey: randomUUID(),
        offer: offers[i],
        patientId: patients[i % patients.length],
      });
      if (outcome.status !== 'confirmed') throw new Error(`bench: booking ${i} was ${outcome.status}`);
    });
    return [
      { name: 'book incl. verification, fhir-r4, 0 ms EHR latency (p50)', value: summary.p50, unit: 'ms' },
      { name: 'book incl. verification (p99)', value: summary.p99, unit: 'ms' },
    ];
  } finally {
    await store.close();
    await fhir.close();
  }
}

const bench: Benchmark = {
  title: 'scheduling',
  async run() {
    const sandbox = await startSandbox({ referenceDate: REFERENCE_DATE, auth: false });
    try {
      const seeded = sandbox.seed.practitioners.map((p) => p.id);
      const practitionerIds = [
        ...seeded,
        ...(await addPractitioners(sandbox, PRACTITIONERS - seeded.length)),
      ];
      const rows: BenchRow[] = [];
      for (const setup of vendorSetups(sandbox)) {
        rows.push(...(await searchRatio(sandbox, setup, practitionerIds)));
        for (const client of setup.clients) await client.close();
      }
      rows.push(...(await bookingLatency(sandbox)));
      return rows;
    } finally {
      await sandbox.close();
    }
  },
};

export default bench;
