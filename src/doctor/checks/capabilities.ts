// Check 5 (issue 8): the EHR's CapabilityStatement (`[base]/metadata`, and Epic's STU3 one for
// `$find`/`$book`) compared with what the adapter for this vendor will send
// (lib/requirements.ts). A statement that lists no operations at all says nothing about them
// (Epic's public STU3 statement lists none, fixture epic/epic-fhir-stu3-capabilitystatement.json):
// then the scheduling probe tries `$find` live instead of this check guessing.
import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';
import { epicStu3BaseUrl } from '../../ehr/index.ts';
import { messageOf } from '../lib/ehr-words.ts';
import { describeNetworkCode, parseJson, timedGet } from '../lib/http.ts';
import { adapterRequirements, type Requirement, requirementLabel } from '../lib/requirements.ts';
import type { Check, DoctorContext, Finding } from '../types.ts';

type Declared = 'yes' | 'no' | 'not stated';

export const capabilitiesCheck: Check = {
  id: 'capabilities',
  title: 'Capabilities',
  dependsOn: ['reachability'],
  async run(context) {
    const r4 = context.facts.metadata;
    if (r4 === undefined) {
      return {
        summary: 'no CapabilityStatement to compare',
        findings: [
          {
            severity: 'warning',
            title: "the EHR's CapabilityStatement could not be read; capabilities are not checked",
            fix: 'See the reachability finding',
          },
        ],
      };
    }
    const findings: Finding[] = [];
    const requirements = adapterRequirements({
      vendor: context.tenant.ehr.vendor,
      workflows: context.tenant.workflows,
      mapping: context.mapping,
      scheduling: context.tenant.scheduling,
    });
    let stu3: CapabilityStatement | undefined;
    if (requirements.some((r) => r.base === 'stu3')) {
      const read = await readStu3Statement(context);
      if ('statement' in read) stu3 = read.statement;
      else findings.push(read.finding);
    }
    const rows: string[][] = [];
    for (const requirement of requirements) {
      const statement = requirement.base === 'stu3' ? stu3 : r4;
      const declared: Declared = statement === undefined ? 'not stated' : evaluate(statement, requirement);
      rows.push([requirement.workflow, requirementLabel(requirement), declared, requirement.why]);
      if (declared === 'no' && requirement.severity !== 'info') findings.push(missing(requirement));
    }
    const blockers = findings.filter((f) => f.severity === 'blocker').length;
    return {
      summary:
        blockers === 0
          ? `the EHR declares what the ${context.tenant.ehr.vendor} adapter uses`
          : `${blockers} capabilit${blockers === 1 ? 'y' : 'ies'} the adapter needs not declared`,
      findings,
      tables: [
        {
          title: 'Capabilities the adapter uses',
          columns: ['workflow', 'needs', 'declared', 'used for'],
          rows,
        },
      ],
    };
  },
};

function missing(requirement: Requirement): Finding {
  const label = requirementLabel(requirement);
  const what =
    requirement.kind === 'operation'
      ? `the ${label} operation`
      : requirement.kind === 'search-param'
        ? `the ${requirement.codes[0]} search parameter on ${requirement.resource}`
        : `${requirement.resource} ${requirement.codes.join('/')}`;
  return {
    severity: requirement.severity,
    title: `${requirement.workflow}: the EHR's CapabilityStatement does not declare ${label}`,
    detail: `ehrgate uses it for ${requirement.why}.`,
    fix: `Ask the EHR team to enable ${what} for this backend app (it is needed for ${requirement.why})`,
    workflows: [requirement.workflow],
  };
}

async function readStu3Statement(
  context: DoctorContext,
): Promise<{ statement: CapabilityStatement } | { finding: Finding }> {
  let url: string;
  try {
    url = `${epicStu3BaseUrl(context.tenant.ehr.baseUrl)}/metadata`;
  } catch (error) {
    return {
      finding: {
        severity: 'blocker',
        title: messageOf(error),
        fix: "In the configuration file, set ehr.baseUrl to the instance's .../api/FHIR/R4 base",
        workflows: ['scheduling'],
      },
    };
  }
  const result = await timedGet(context.options.fetch, url, { timeoutMs: context.options.timeoutMs });
  const body =
    result.kind === 'response' && result.status === 200
      ? (parseJson(result.text) as CapabilityStatement | undefined)
      : undefined;
  if (body?.resourceType === 'CapabilityStatement') return { statement: body };
  const what =
    result.kind === 'timeout'
      ? `did not answer within ${result.timeoutMs} ms`
      : result.kind === 'network'
        ? `could not be reached: ${describeNetworkCode(result.code)}`
        : `answered HTTP ${result.status} without a CapabilityStatement`;
  return {
    finding: {
      severity: 'warning',
      title: `Epic's STU3 CapabilityStatement (GET ${url}) ${what}`,
      detail: 'Scheduling goes through STU3 $find and $book; the scheduling probe tries them live.',
      fix: 'Ask the EHR team whether the STU3 scheduling API is enabled on this instance',
      workflows: ['scheduling'],
    },
  };
}

function restOf(statement: CapabilityStatement) {
  return (statement.rest ?? []).filter((rest) => rest.mode !== 'client');
}

function resourceEntry(
  statement: CapabilityStatement,
  type: string,
): CapabilityStatementRestResource | undefined {
  for (const rest of restOf(statement)) {
    const entry = (rest.resource ?? []).find((r) => r.type === type);
    if (entry !== undefined) return entry;
  }
  return undefined;
}

function evaluate(statement: CapabilityStatement, r: Requirement): Declared {
  if (r.kind === 'operation') return operationDeclared(statement, r.resource, r.codes[0]);
  const entry = resourceEntry(statement, r.resource);
  if (entry === undefined) return 'no';
  switch (r.kind) {
    case 'interaction':
      return (entry.interaction ?? []).some((i) => r.codes.includes(i.code ?? '')) ? 'yes' : 'no';
    case 'conditional-create':
      return entry.conditionalCreate === true ? 'yes' : 'no';
    case 'search-param': {
      const params = entry.searchParam ?? [];
      if (params.length === 0) return 'not stated';
      const wanted = r.codes[0];
      // A chain (`schedule.actor`) is declared by its first link when not listed whole.
      const head = wanted.split('.')[0];
      return params.some((p) => p.name === wanted || p.name === head) ? 'yes' : 'no';
    }
  }
}

function operationDeclared(statement: CapabilityStatement, type: string, name: string): Declared {
  const named = (op: { name?: string; definition?: string }) =>
    op.name === name ||
    op.name === `$${name}` ||
    new RegExp(`/OperationDefinition/(${type}-)?${name}$`).test(op.definition ?? '');
  let listed = 0;
  for (const rest of restOf(statement)) {
    listed += rest.operation?.length ?? 0;
    if ((rest.operation ?? []).some(named)) return 'yes';
    for (const entry of rest.resource ?? []) {
      listed += entry.operation?.length ?? 0;
      if ((entry.type === type || entry.type === undefined) && (entry.operation ?? []).some(named))
        return 'yes';
    }
  }
  return listed === 0 ? 'not stated' : 'no';
}
