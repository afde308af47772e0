// Check 4 (issue 8, DESIGN.md promise P5): for each enabled workflow, each resource and
// interaction it needs (auth/scopes.ts SCOPE_MATRIX) -> requested, granted, missing. A SMART
// v1/v2 mismatch (Cerner drops v1 scopes for v2 clients, DESIGN.md section 5) is called out by
// name, and the exact scope strings to ask the EHR team for are printed.
import {
  coverage,
  detectScopeStyleMismatch,
  formatScopes,
  type Interaction,
  requiredScopes,
  SCOPE_MATRIX,
  type ScopeMatrix,
  type ScopeStyle,
  scopeMatrixFor,
  scopeStyleOf,
  workflowReadiness,
} from '../../auth/index.ts';
import type { Workflow } from '../../config/index.ts';
import type { Check, Finding } from '../types.ts';

const INTERACTION_NAMES: Readonly<Record<Interaction, string>> = {
  c: 'create',
  r: 'read',
  u: 'update',
  d: 'delete',
  s: 'search',
};

/** Workflows that need EHR access at all (routing hands calls to people, not to the EHR). */
export function ehrWorkflows(workflows: readonly Workflow[]): Workflow[] {
  return workflows.filter((w) => Object.keys(SCOPE_MATRIX[w]).length > 0);
}

export const scopesCheck: Check = {
  id: 'scopes',
  title: 'Scope matrix',
  dependsOn: ['token'],
  async run(context) {
    const token = context.facts.token;
    if (token === undefined) {
      return { summary: 'auth method none: the EHR enforces no scopes', notApplicable: true };
    }
    const { requested, granted } = token;
    const auth = context.tenant.ehr.auth;
    const clientId = auth.method === 'none' ? '' : auth.clientId;
    const workflows = ehrWorkflows(context.tenant.workflows);
    const requestedStyle: ScopeStyle = scopeStyleOf(requested) === 'v1' ? 'v1' : 'v2';
    const explicit = context.tenant.ehr.scopes !== undefined;
    const smart = context.facts.smart;
    const mismatch = detectScopeStyleMismatch({
      requested,
      granted,
      ...(smart === undefined
        ? {}
        : { scopesSupported: smart.scopesSupported, capabilities: smart.capabilities }),
    });
    const serverStyle: ScopeStyle = mismatch?.serverStyles[0] ?? requestedStyle;
    const matrix = scopeMatrixFor(context.tenant.ehr.vendor);
    const toRequest = requiredScopes(workflows, serverStyle, { matrix });
    context.facts.scopesToRequest = toRequest;

    const rows: string[][] = [];
    const findings: Finding[] = [];
    for (const workflow of workflows) {
      for (const [type, interactions] of Object.entries(matrix[workflow])) {
        const notRequested = coverage(requested, 'system', type, interactions).missing;
        const notGranted = coverage(granted, 'system', type, interactions).missing;
        rows.push([
          workflow,
          type,
          interactions.map((i) => INTERACTION_NAMES[i]).join(' '),
          notRequested.length === 0
            ? 'yes'
            : `no: ${formatScopes('system', type, notRequested, requestedStyle).join(' ')}`,
          notGranted.length === 0 ? 'yes' : 'no',
          formatScopes('system', type, notGranted, serverStyle).join(' '),
        ]);
      }
    }

    if (mismatch !== undefined) {
      findings.push({
        severity: 'blocker',
        title: `SMART ${mismatch.requestedStyle} scopes requested from a SMART ${mismatch.serverStyles.join('/')}-only EHR: ${mismatch.message}`,
        detail: `Evidence: the ${mismatch.evidence}.`,
        fix: `In the configuration file, set ehr.scopes to the same access in SMART ${serverStyle} syntax: ${toRequest.join(' ')}`,
        workflows,
      });
    } else {
      for (const workflow of workflows) {
        findings.push(
          ...workflowFindings({
            workflow,
            matrix,
            requested,
            granted,
            style: requestedStyle,
            explicit,
            clientId,
            token,
          }),
        );
      }
    }
    const blocked = new Set(
      findings.filter((f) => f.severity === 'blocker').flatMap((f) => f.workflows ?? []),
    );
    return {
      summary:
        blocked.size === 0
          ? `granted scopes cover ${workflows.join(', ') || 'every workflow'}`
          : `not authorized: ${[...blocked].join(', ')}`,
      findings,
      tables: [
        {
          title: 'Scope matrix',
          columns: ['workflow', 'resource', 'needs', 'requested', 'granted', 'missing'],
          rows,
        },
      ],
    };
  },
};

function workflowFindings(input: {
  workflow: Workflow;
  matrix: ScopeMatrix;
  requested: readonly string[];
  granted: readonly string[];
  style: ScopeStyle;
  explicit: boolean;
  clientId: string;
  token: { readonly refused: readonly string[]; readonly refusal?: string };
}): Finding[] {
  const { workflow, matrix, requested, granted, style, explicit, clientId, token } = input;
  const findings: Finding[] = [];
  const [wanted] = workflowReadiness(requested, [workflow], { style, matrix });
  if (wanted.missing.length > 0) {
    findings.push({
      severity: 'blocker',
      title: `${workflow}: ehrgate does not request ${wanted.missing.join(' ')}`,
      fix: explicit
        ? `In the configuration file, add ${wanted.missing.join(' ')} to ehr.scopes`
        : `In the configuration file, set ehr.scopes to ${[...requested, ...wanted.missing].join(' ')} ` +
          `(ehrgate's default scopes for this EHR leave out ${wanted.missing.join(' ')})`,
      workflows: [workflow],
    });
  }
  const [readiness] = workflowReadiness(granted, [workflow], { style, matrix });
  const notGranted = readiness.missing.filter((scope) => !wanted.missing.includes(scope));
  if (notGranted.length > 0) {
    const typeOf = (scope: string) => scope.split('.')[0];
    const refused = token.refused.filter((r) => notGranted.some((scope) => typeOf(scope) === typeOf(r)));
    findings.push({
      severity: 'blocker',
      title: `${workflow}: the EHR did not grant ${notGranted.join(' ')}`,
      fix: `Ask the EHR team to grant the backend app (client id ${clientId}) the scope${notGranted.length === 1 ? '' : 's'} ${notGranted.join(' ')}`,
      ...(refused.length > 0 && token.refusal !== undefined ? { ehrSaid: token.refusal } : {}),
      workflows: [workflow],
    });
  }
  if (readiness.partial.length > 0) {
    findings.push({
      severity: 'warning',
      title: `${workflow}: ${readiness.notes[0] ?? `${readiness.partial.join(' ')} granted only in part`}`,
      fix: `Ask the EHR team to grant ${readiness.partial.join(' ')} without a filter (client id ${clientId})`,
      workflows: [workflow],
    });
  }
  return findings;
}
