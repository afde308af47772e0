// Errors inside the sandbox are FHIR answers: an HTTP status with an OperationOutcome body
// (FHIR R4 http.html#2.21.0.2 "Error responses"). The sandbox imports nothing from the gateway
// (DESIGN.md section 2), so this is its own small error type instead of src/errors.ts.

import { getStatus, OperationOutcomeError } from '@medplum/core';
import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';

/** FHIR R4 IssueType codes the sandbox uses (http://hl7.org/fhir/R4/valueset-issue-type.html). */
export type IssueCode =
  | 'invalid'
  | 'required'
  | 'value'
  | 'invariant'
  | 'not-supported'
  | 'not-found'
  | 'deleted'
  | 'conflict'
  | 'duplicate'
  | 'multiple-matches'
  | 'processing'
  | 'business-rule'
  | 'forbidden'
  | 'login'
  | 'exception'
  | 'transient'
  | 'timeout'
  | 'throttled'
  | 'too-costly'
  | 'informational';

export class FhirOutcomeError extends Error {
  readonly status: number;
  readonly outcome: OperationOutcome;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    outcome: OperationOutcome,
    options: { cause?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(outcome.issue?.[0]?.diagnostics ?? outcome.issue?.[0]?.details?.text ?? `HTTP ${status}`, {
      cause: options.cause,
    });
    this.name = this.constructor.name;
    this.status = status;
    this.outcome = outcome;
    this.headers = options.headers ?? {};
  }
}

export function issue(
  code: IssueCode,
  diagnostics: string,
  options: { severity?: OperationOutcomeIssue['severity']; expression?: string } = {},
): OperationOutcomeIssue {
  return {
    severity: options.severity ?? 'error',
    code,
    diagnostics,
    ...(options.expression === undefined ? {} : { expression: [options.expression] }),
  };
}

export function outcome(...issues: OperationOutcomeIssue[]): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: issues };
}

/** Shorthand for the common single-issue error. */
export function fhirError(
  status: number,
  code: IssueCode,
  diagnostics: string,
  options: { expression?: string; headers?: Record<string, string> } = {},
): FhirOutcomeError {
  return new FhirOutcomeError(status, outcome(issue(code, diagnostics, options)), {
    headers: options.headers,
  });
}

/** The issue code a bare HTTP status stands for, used when something other than a FHIR rule fails. */
export function issueCodeForStatus(status: number): IssueCode {
  if (status === 401) return 'login';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 405 || status === 415 || status === 501) return 'not-supported';
  if (status === 409 || status === 412) return 'conflict';
  if (status === 422) return 'business-rule';
  if (status === 429) return 'throttled';
  if (status === 413) return 'too-costly';
  if (status === 504 || status === 408) return 'timeout';
  if (status === 502 || status === 503) return 'transient';
  if (status >= 500) return 'exception';
  return 'invalid';
}

/**
 * Normalises anything thrown below an HTTP route into a FhirOutcomeError: our own errors pass
 * through, medplum's OperationOutcomeError keeps its outcome and status, Fastify's errors (bad
 * JSON, unsupported media type, body too large) keep their status, anything else is a 500.
 */
export function toFhirOutcomeError(error: unknown): FhirOutcomeError {
  if (error instanceof FhirOutcomeError) return error;
  if (error instanceof OperationOutcomeError) {
    return new FhirOutcomeError(getStatus(error.outcome), error.outcome, { cause: error });
  }
  if (error instanceof Error) {
    const statusCode = (error as { statusCode?: unknown }).statusCode;
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 600) {
      return new FhirOutcomeError(statusCode, outcome(issue(issueCodeForStatus(statusCode), error.message)), {
        cause: error,
      });
    }
    return new FhirOutcomeError(500, outcome(issue('exception', `internal error: ${error.message}`)), {
      cause: error,
    });
  }
  return new FhirOutcomeError(500, outcome(issue('exception', 'internal error')), { cause: error });
}
