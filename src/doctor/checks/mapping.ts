// Check 7 (issue 8): each mapping target against the vendor rules ehrgate knows
// (mapping/validate-mapping.ts: Epic offers no Coverage create, Cerner creates Conditions of two
// categories only...), each built resource against FHIR R4 (the builders validate with
// @medplum/core), and the profiles the EHR's CapabilityStatement names for the target types.
// A mapping the configuration loader refused arrives here as `configProblems`, so a wrong
// mapping is a blocker with its fix in the report, not a start-up error that hides the rest.
import type { Resource } from '@medplum/fhirtypes';
import type { Vendor, Workflow } from '../../config/index.ts';
import {
  buildIntakeCondition,
  buildIntakeObservation,
  loadFhirSchema,
  type MappingInput,
  type MappingRuleInput,
  mappingProblems,
} from '../../mapping/index.ts';
import { messageOf } from '../lib/ehr-words.ts';
import type { Check, DoctorContext, Finding } from '../types.ts';

type Problem = { readonly path: string; readonly message: string };

const TARGET_RESOURCE: Readonly<Record<string, string>> = {
  condition: 'Condition',
  observation: 'Observation',
  coverage: 'Coverage',
  'appointment-note': 'Appointment (note and reason)',
  'work-queue': 'staff work queue',
};

export const mappingCheck: Check = {
  id: 'mapping',
  title: 'Mapping',
  dependsOn: [],
  notApplicable: (context) =>
    usesMapping(context).length === 0 ? 'neither intake nor insurance is enabled' : undefined,
  async run(context) {
    const { tenant, mapping } = context;
    const uses = usesMapping(context);
    if (mapping === undefined) {
      return {
        summary: 'no mapping: everything goes to the staff work queue',
        findings: [
          {
            severity: 'warning',
            title:
              'no mapping is configured: chief complaint, reason for visit and insurance all go to the staff work queue',
            fix: 'In the configuration file, add a mapping block naming where the EHR team wants each datum (DESIGN.md section 6)',
            workflows: uses,
          },
        ],
      };
    }
    const findings = problems(context).map((p) => problemFinding(tenant.ehr.vendor, p));
    const rows: string[][] = [];
    await loadFhirSchema();
    for (const key of ['chiefComplaint', 'reasonForVisit', 'insurance'] as const) {
      const rule = mapping[key];
      if (rule === undefined) continue;
      const built = buildSample(rule, key);
      if (built !== undefined && 'error' in built) {
        findings.push({
          severity: 'blocker',
          title: `mapping.${key}: the resource ehrgate builds is not valid FHIR R4: ${built.error}`,
          fix: `In the configuration file, correct mapping.${key} (its code or category)`,
          workflows: [workflowOf(key)],
        });
      }
      const profile = conditionProfileFinding(context, key, rule);
      if (profile !== undefined) findings.push(profile);
      rows.push([
        `mapping.${key}`,
        `${TARGET_RESOURCE[rule.to] ?? rule.to}${rule.category ? `, category ${rule.category}` : ''}${rule.code ? `, code ${rule.code.system}|${rule.code.code}` : ''}`,
        findings.some((f) => f.title.startsWith(`mapping.${key}`)) ? 'no' : 'yes',
        profilesOf(context, rule.to),
      ]);
    }
    const blockers = findings.filter((f) => f.severity === 'blocker').length;
    return {
      summary:
        blockers === 0
          ? 'every mapping target fits this EHR'
          : `${blockers} mapping problem${blockers === 1 ? '' : 's'}`,
      findings,
      tables: [
        {
          title: 'Mapping targets',
          columns: ['datum', 'written to', 'fits the vendor', 'EHR profiles'],
          rows,
        },
      ],
    };
  },
};

function usesMapping(context: DoctorContext): Workflow[] {
  return context.tenant.workflows.filter((w) => w === 'intake' || w === 'insurance');
}

/** The loader's problems when it refused the mapping, else the vendor rules run here. */
function problems(context: DoctorContext): Problem[] {
  const fromLoader = context.configProblems.map((p) => ({
    path: p.path.replace(/^tenants\[\d+\]\.mapping\./, ''),
    message: p.reason,
  }));
  if (fromLoader.length > 0) return fromLoader;
  return context.mapping === undefined ? [] : mappingProblems(context.tenant.ehr.vendor, context.mapping);
}

function workflowOf(key: string): Workflow {
  return key.startsWith('insurance') ? 'insurance' : 'intake';
}

function problemFinding(vendor: Vendor, problem: Problem): Finding {
  const key = problem.path.split('.')[0];
  let fix = `In the configuration file, correct mapping.${problem.path}: ${problem.message}`;
  if (problem.path === 'insurance.to' && vendor === 'epic') {
    fix =
      "In the configuration file, set mapping.insurance.to: work-queue. Epic's Coverage API is read-only, so " +
      'insurance goes to the staff work queue and registration staff enter it in Epic; ask the EHR team whether they want it there';
  } else if (problem.path.endsWith('.category')) {
    fix = `In the configuration file, set mapping.${problem.path} as the EHR allows (${problem.message}); ask the EHR team which Condition category they want intake under`;
  }
  return {
    severity: 'blocker',
    title: `mapping.${problem.path}: ${problem.message}`,
    fix,
    workflows: [workflowOf(key)],
  };
}

/** A sample of what the mapping builds, for validation only; undefined for targets that build nothing here. */
function buildSample(
  rule: MappingRuleInput,
  key: keyof MappingInput,
): { resource: Resource } | { error: string } | undefined {
  const text = {
    patientId: 'doctor-sample',
    text: 'ehrgate doctor sample',
    recordedAt: new Date(0).toISOString(),
  };
  try {
    if (rule.to === 'condition' && rule.category !== undefined && key !== 'insurance') {
      return {
        resource: buildIntakeCondition(
          { category: rule.category, ...(rule.code ? { code: rule.code } : {}) },
          text,
        ),
      };
    }
    if (rule.to === 'observation' && rule.code !== undefined && key !== 'insurance') {
      return {
        resource: buildIntakeObservation(
          { code: rule.code, ...(rule.category ? { category: rule.category } : {}) },
          text,
        ),
      };
    }
  } catch (error) {
    return { error: messageOf(error) };
  }
  return undefined;
}

/** Profiles the CapabilityStatement names for a resource type (R4 `profile` and `supportedProfile`). */
function declaredProfiles(context: DoctorContext, type: string): string[] {
  const entry = context.facts.metadata?.rest?.flatMap((r) => r.resource ?? []).find((r) => r.type === type);
  return [...(entry?.supportedProfile ?? []), ...(entry?.profile === undefined ? [] : [entry.profile])];
}

function profilesOf(context: DoctorContext, target: string): string {
  const type = { condition: 'Condition', observation: 'Observation', coverage: 'Coverage' }[target];
  if (type === undefined) return '-';
  const profiles = declaredProfiles(context, type);
  return profiles.length === 0 ? 'none declared' : profiles.join(', ');
}

// US Core 6.1 splits Condition by category: problem-list-item and health-concern conform to
// us-core-condition-problems-health-concerns, encounter-diagnosis to
// us-core-condition-encounter-diagnosis. An EHR that declares US Core Condition profiles but not
// the one for the mapped category takes that category outside what it says it supports.
const US_CORE_CONDITION_PROFILE: Readonly<Record<string, string>> = {
  'problem-list-item': 'us-core-condition-problems-health-concerns',
  'health-concern': 'us-core-condition-problems-health-concerns',
  'encounter-diagnosis': 'us-core-condition-encounter-diagnosis',
};

function conditionProfileFinding(
  context: DoctorContext,
  key: keyof MappingInput,
  rule: MappingRuleInput,
): Finding | undefined {
  if (rule.to !== 'condition' || rule.category === undefined) return undefined;
  const wanted = US_CORE_CONDITION_PROFILE[rule.category];
  const usCore = declaredProfiles(context, 'Condition').filter((p) => /\/us-core-condition-/.test(p));
  if (
    wanted === undefined ||
    usCore.length === 0 ||
    usCore.some((p) => p.split('|')[0].endsWith(`/${wanted}`))
  ) {
    return undefined;
  }
  return {
    severity: 'warning',
    title:
      `mapping.${key}: the EHR declares the US Core Condition profile${usCore.length === 1 ? '' : 's'} ` +
      `${usCore.join(', ')} but not ${wanted}, which category ${rule.category} belongs to`,
    fix:
      `Ask the EHR team whether Conditions of category ${rule.category} may be written through the API, ` +
      `or map mapping.${key} to a category the EHR declares`,
    workflows: ['intake'],
  };
}
