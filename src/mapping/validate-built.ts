// Every resource the gateway builds is checked against the FHIR R4 definitions with
// @medplum/core's validateResource before it is sent (issue 5 item 3): a builder bug or a
// configured code that makes the resource invalid is our error, named by element, never a
// mysterious 400 from the EHR in the middle of a call.
import { OperationOutcomeError, validateResource } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { EhrgateError } from '../errors.ts';

export class ResourceInvalidError extends EhrgateError {
  /** FHIRPath expressions of the elements at fault, e.g. `Condition.category[0].coding[0].system`. */
  readonly elements: readonly string[];

  constructor(resourceType: string, elements: readonly string[], detail: string, cause?: unknown) {
    super('ERR_RESOURCE_INVALID', `the ${resourceType} built for the EHR is not valid FHIR R4: ${detail}`, {
      cause,
    });
    this.elements = Object.freeze([...elements]);
  }
}

/** Throws ResourceInvalidError naming the element(s); call after loadFhirSchema() resolved. */
export function assertValidBuiltResource(resource: Resource): void {
  try {
    validateResource(resource);
  } catch (error) {
    if (error instanceof OperationOutcomeError) {
      const issues = (error.outcome.issue ?? []).filter(
        (i) => i.severity === 'error' || i.severity === 'fatal',
      );
      const elements = issues.flatMap((i) => i.expression ?? []);
      const detail = issues
        .map(
          (i) =>
            `${i.expression?.[0] ?? resource.resourceType}: ${i.details?.text ?? i.diagnostics ?? 'invalid'}`,
        )
        .join('; ');
      throw new ResourceInvalidError(resource.resourceType, elements, detail, error);
    }
    throw new ResourceInvalidError(
      resource.resourceType,
      [],
      error instanceof Error ? error.message : 'unknown validation failure',
      error,
    );
  }
}
