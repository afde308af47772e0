// Structural validation of every resource written to the sandbox. @medplum/fhir-router's
// MemoryRepository stores whatever it is given; a real EHR refuses an Appointment without
// `status` (cardinality 1..1 in the R4 StructureDefinition), so the store runs @medplum/core's
// validateResource first and answers 400 with an OperationOutcome whose issues name the element
// (FHIR R4 http.html#create: "400 Bad Request - resource could not be parsed or failed basic
// FHIR validation rules").

import { OperationOutcomeError, validateResource } from '@medplum/core';
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { FhirOutcomeError, fhirError, outcome } from './lib/outcome.ts';

const MISSING_REQUIRED = 'Missing required property';

/**
 * medplum reports every failure as `structure` or `invariant`; the sandbox uses the narrower
 * R4 IssueType codes a client branches on: `required` for a missing mandatory element, `invalid`
 * for anything else, keeping medplum's text as diagnostics and its expression unchanged.
 */
function toSandboxIssue(source: OperationOutcomeIssue): OperationOutcomeIssue {
  const text = source.details?.text ?? source.diagnostics ?? 'invalid resource';
  const required = source.code === 'structure' && text === MISSING_REQUIRED;
  const where = source.expression?.[0];
  return {
    severity: source.severity,
    code: required ? 'required' : 'invalid',
    diagnostics: where === undefined ? text : `${text}: ${where}`,
    ...(source.expression === undefined ? {} : { expression: source.expression }),
  };
}

/** Throws a 400 FhirOutcomeError when `resource` is not valid R4. */
export function assertValidResource(resource: Resource): void {
  try {
    validateResource(resource);
  } catch (error) {
    if (error instanceof OperationOutcomeError) {
      const issues = (error.outcome.issue ?? []).filter(
        (i) => i.severity === 'error' || i.severity === 'fatal',
      );
      throw new FhirOutcomeError(400, outcome(...issues.map(toSandboxIssue)), { cause: error });
    }
    // validateResource throws plain Errors for input it cannot walk at all (an unknown type).
    throw fhirError(400, 'invalid', `resource could not be validated: ${(error as Error).message}`);
  }
}
