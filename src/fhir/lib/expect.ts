// A 2xx whose body is not the resource the interaction promises is an invalid response, said
// plainly (an OperationOutcome where a Patient was expected, an empty body on a read).
import type { Resource } from '@medplum/fhirtypes';
import { FhirError } from '../errors.ts';
import type { FhirResponse } from '../types.ts';

export function isResource(value: unknown): value is Resource {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { resourceType?: unknown }).resourceType === 'string'
  );
}

export function expectResource<T extends Resource>(
  response: FhirResponse,
  method: string,
  expectedType?: string,
): T {
  const body = response.body;
  if (isResource(body) && (expectedType === undefined || body.resourceType === expectedType))
    return body as T;
  const got = isResource(body)
    ? body.resourceType
    : body === undefined
      ? 'an empty body'
      : 'JSON that is not a FHIR resource';
  throw new FhirError({
    kind: 'invalid-response',
    method,
    path: new URL(response.url).pathname,
    ehrStatus: response.status,
    detail: `expected ${expectedType ?? 'a FHIR resource'}, got ${got}`,
  });
}
