// Reading an EHR's OperationOutcome (FHIR R4 operationoutcome.html) without changing it.
import { isOperationOutcome } from '@medplum/core';
import type { OperationOutcome } from '@medplum/fhirtypes';
import type { FhirIssue } from '../errors.ts';

export function asOperationOutcome(body: unknown): OperationOutcome | undefined {
  return isOperationOutcome(body) ? body : undefined;
}

export function issuesOf(outcome: OperationOutcome | undefined): FhirIssue[] {
  if (!Array.isArray(outcome?.issue)) return [];
  return outcome.issue.map((issue) => {
    const flat: FhirIssue = { severity: String(issue.severity), code: String(issue.code) };
    if (typeof issue.diagnostics === 'string') flat.diagnostics = issue.diagnostics;
    if (typeof issue.details?.text === 'string') flat.details = issue.details.text;
    if (Array.isArray(issue.expression)) flat.expression = issue.expression;
    return flat;
  });
}

const INSUFFICIENT_SCOPE = 'insufficient_scope';
const SCOPE_PARAM = /\bscope="([^"]*)"|\bscope=([^\s,"]+)/;

/**
 * Cerner reports a missing scope as a 403 OperationOutcome with `code: forbidden` and diagnostics
 * containing `insufficient_scope` (DESIGN.md section 5), often the text of the Bearer challenge
 * itself, so a `scope="..."` in that text is read too.
 */
export function insufficientScopeFromIssues(issues: readonly FhirIssue[]): { scope?: string } | undefined {
  for (const issue of issues) {
    const text = [issue.diagnostics, issue.details].filter((t) => t !== undefined).join(' ');
    if (!text.includes(INSUFFICIENT_SCOPE)) continue;
    const match = SCOPE_PARAM.exec(text);
    const scope = match?.[1] ?? match?.[2];
    return scope === undefined ? {} : { scope };
  }
  return undefined;
}
