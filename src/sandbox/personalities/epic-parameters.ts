// Reading the `Parameters` body of Epic's STU3 `$find` and `$book` (FHIR R4/STU3 parameters.html).

import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { fhirError } from '../lib/outcome.ts';

export function parametersBody(body: unknown): ParametersParameter[] {
  if (
    typeof body !== 'object' ||
    body === null ||
    (body as { resourceType?: unknown }).resourceType !== 'Parameters'
  ) {
    throw fhirError(400, 'invalid', 'the body must be a Parameters resource', { expression: 'resourceType' });
  }
  const parameter = (body as Parameters).parameter ?? [];
  if (!Array.isArray(parameter) || parameter.some((p) => typeof p?.name !== 'string')) {
    throw fhirError(400, 'invalid', 'Parameters.parameter must be a list of named parameters');
  }
  return parameter;
}

export function named(parameters: readonly ParametersParameter[], name: string): ParametersParameter[] {
  return parameters.filter((p) => p.name === name);
}

/** The one value of `name`, if given; 400 when it is given twice. */
export function single(
  parameters: readonly ParametersParameter[],
  name: string,
): ParametersParameter | undefined {
  const found = named(parameters, name);
  if (found.length > 1)
    throw fhirError(400, 'invalid', `parameter '${name}' may be given once`, { expression: name });
  return found[0];
}

/** A `valueDateTime` parameter as epoch milliseconds; 400 when it is not a date-time. */
export function dateTimeParameter(
  parameters: readonly ParametersParameter[],
  name: string,
): number | undefined {
  const parameter = single(parameters, name);
  if (parameter === undefined) return undefined;
  const value = parameter.valueDateTime;
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw fhirError(400, 'invalid', `parameter '${name}' takes a valueDateTime`, { expression: name });
  }
  return ms;
}
