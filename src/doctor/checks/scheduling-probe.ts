// Check 6 (issue 8): a read-only, live slot search over the next 14 days for each configured
// visit type, practitioner and location, through the very adapter the scheduling workflow uses:
// found / none / error, with the EHR's own diagnostic (Epic `$find` answers 59200 "Unable to
// determine a visit type" for a visit type it does not know, epic/find-results.ts).
import type { VisitTypeConfig } from '../../config/index.ts';
import {
  createEhrAdapter,
  type EhrAdapter,
  type FindSlotsResult,
  type SlotQuery,
  type VisitType,
} from '../../ehr/index.ts';
import { isFhirError } from '../../fhir/index.ts';
import { ehrSaid, messageOf } from '../lib/ehr-words.ts';
import { adapterVisitType, CODING_KEY } from '../lib/visit-types.ts';
import type { Check, DoctorContext, Finding } from '../types.ts';

export const PROBE_DAYS = 14;
/** Enough to show the slots exist; the probe is not a search for the caller. */
const PROBE_LIMIT = 3;
const DAY_MS = 86_400_000;

const HOW_EHR_SEARCHES = {
  epic: 'Appointment/$find',
  cerner: 'Slot search',
  'fhir-r4': 'Slot search',
} as const;

type Probe = { what: string; query: Partial<SlotQuery> & { visitType: VisitType } };

export const schedulingProbeCheck: Check = {
  id: 'scheduling-probe',
  title: 'Scheduling probe',
  // Reachability too: with auth none the token check does not apply and would not stop it.
  dependsOn: ['reachability', 'token'],
  notApplicable: (context) =>
    context.tenant.workflows.includes('scheduling') ? undefined : 'scheduling is not enabled',
  async run(context) {
    const { tenant } = context;
    const configured = tenant.scheduling?.visitTypes ?? [];
    if (configured.length === 0) {
      return {
        summary: 'no visit types configured',
        findings: [
          {
            severity: 'blocker',
            title: 'scheduling is enabled but no visit types are configured',
            fix: "In the configuration file, add scheduling.visitTypes with the EHR's code for each bookable visit type",
            workflows: ['scheduling'],
          },
        ],
      };
    }
    const findings: Finding[] = [];
    const visitTypes: VisitType[] = [];
    configured.forEach((v, index) => {
      const visitType = adapterVisitType(tenant.ehr.vendor, v);
      if (visitType !== undefined) visitTypes.push(visitType);
      else findings.push(uncoded(context, v, index));
    });
    const rows: string[][] = [];
    const stu3 = context.stu3();
    const adapter = createEhrAdapter({
      vendor: tenant.ehr.vendor,
      fhir: context.fhir(),
      ...(stu3 === undefined ? {} : { stu3 }),
    });
    const probes: Probe[] = visitTypes.map((visitType) => ({
      what: `visit type ${visitType.id} (${visitType.coding.system}|${visitType.coding.code})`,
      query: { visitType },
    }));
    const [first] = visitTypes;
    if (first !== undefined) {
      for (const p of tenant.scheduling?.practitioners ?? []) {
        probes.push({
          what: `practitioner ${p.id} (${p.ehrId})`,
          query: { visitType: first, practitionerIds: [p.ehrId] },
        });
      }
      for (const l of tenant.scheduling?.locations ?? []) {
        probes.push({
          what: `location ${l.id} (${l.ehrId})`,
          query: { visitType: first, locationIds: [l.ehrId] },
        });
      }
    }
    let failed = false;
    for (const [index, probe] of probes.entries()) {
      if (failed) {
        rows.push([probe.what, 'not tried: an earlier search failed']);
        continue;
      }
      const outcome = await runProbe(context, adapter, probe);
      rows.push([probe.what, outcome.row]);
      if (outcome.finding !== undefined) findings.push(outcome.finding);
      // A refusal or an outage answers every search alike: one blocker says it.
      failed = outcome.result === undefined;
      const found = outcome.result?.candidates[0];
      if (index < visitTypes.length && found !== undefined)
        context.facts.openings.set(probe.query.visitType.id, found);
    }
    const found = rows.filter(([, row]) => row.startsWith('found')).length;
    return {
      summary: `${found} of ${rows.length} searches found free slots in the next ${PROBE_DAYS} days`,
      findings,
      tables: [{ title: `Slot search, next ${PROBE_DAYS} days`, columns: ['searched', 'result'], rows }],
    };
  },
};

function uncoded(context: DoctorContext, v: VisitTypeConfig, index: number): Finding {
  const key = CODING_KEY[context.tenant.ehr.vendor];
  return {
    severity: 'warning',
    title: `visit type ${v.id} has no ${key} coding: callers cannot book it on this EHR`,
    fix:
      `Ask the EHR team for the code of "${v.say}" as the ${HOW_EHR_SEARCHES[context.tenant.ehr.vendor]} ` +
      `takes it, then set scheduling.visitTypes[${index}].${key} in the configuration file`,
    workflows: ['scheduling'],
  };
}

async function runProbe(
  context: DoctorContext,
  adapter: EhrAdapter,
  probe: Probe,
): Promise<{ row: string; result?: FindSlotsResult; finding?: Finding }> {
  const now = context.options.now();
  const vendor = context.tenant.ehr.vendor;
  let result: FindSlotsResult;
  try {
    result = await adapter.findSlots({
      from: new Date(now),
      to: new Date(now + PROBE_DAYS * DAY_MS),
      timeZone: context.tenant.timeZone,
      limit: PROBE_LIMIT,
      ...probe.query,
    });
  } catch (error) {
    const said = ehrSaid(error);
    const scope = isFhirError(error) && error.insufficientScope;
    return {
      row: `error: ${said ?? messageOf(error)}`,
      finding: {
        severity: 'blocker',
        title: `slot search for ${probe.what} failed: ${messageOf(error)}`,
        ...(said === undefined ? {} : { ehrSaid: said }),
        fix: scope
          ? `Ask the EHR team to grant the scope the ${HOW_EHR_SEARCHES[vendor]} needs (see the scope matrix)`
          : isFhirError(error, 'unauthorized') && context.tenant.ehr.auth.method === 'none'
            ? 'In the configuration file, set ehr.auth to the backend app the EHR team registered: this EHR requires a token'
            : `Ask the EHR team why ${HOW_EHR_SEARCHES[vendor]} answers this (quote what the EHR said)`,
        workflows: ['scheduling'],
      },
    };
  }
  const first = result.candidates[0];
  if (first !== undefined) {
    return { row: `found ${result.candidates.length}+, first ${first.start}`, result };
  }
  const unknown = result.notes.find((n) => n.kind === 'unknown-visit-type');
  const said = result.notes
    .filter((n) => n.diagnostics !== undefined || n.code !== undefined)
    .map(
      (n) =>
        `${vendor === 'epic' && n.code !== undefined ? `Epic ${n.code}` : (n.code ?? '')}${n.diagnostics ? `: ${n.diagnostics}` : ''}`,
    )
    .join('; ');
  if (unknown !== undefined) {
    const { coding } = probe.query.visitType;
    return {
      row: `error: the EHR does not know this visit type${said ? ` (${said})` : ''}`,
      result,
      finding: {
        severity: 'blocker',
        title: `${probe.what}: the EHR does not recognise the visit type`,
        ...(said === '' ? {} : { ehrSaid: said }),
        fix:
          `Ask the EHR team for the visit type id that ${HOW_EHR_SEARCHES[vendor]} accepts for "${probe.query.visitType.say}" ` +
          `(${coding.system}|${coding.code} is not one) and that it is open to this backend app, then correct it in scheduling.visitTypes`,
        workflows: ['scheduling'],
      },
    };
  }
  return {
    row: `none${said ? ` (${said})` : ''}`,
    result,
    finding: {
      severity: 'warning',
      title: `${probe.what}: no free slot in the next ${PROBE_DAYS} days`,
      ...(said === '' ? {} : { ehrSaid: said }),
      fix: 'Ask the EHR team whether this is bookable in the next two weeks and whether the configured id is the one the EHR uses',
      workflows: ['scheduling'],
    },
  };
}
