import { isFhirError } from '../../fhir/index.ts';
import { ehrSaid, messageOf } from '../lib/ehr-words.ts';
import type { Finding } from '../types.ts';
import type { FieldRow } from './compare-fields.ts';

/** One part of the write test: the fields read back, what they mean, and what was left in the EHR. */
export type WriteStep = {
  readonly rows: readonly FieldRow[];
  readonly findings: readonly Finding[];
  /** What was written and taken out again, in order, for the summary. */
  readonly done: readonly string[];
};

/** A write the EHR refused or failed: a blocker quoting the EHR. */
export function writeFailure(what: string, error: unknown, workflows: Finding['workflows']): Finding {
  const said = ehrSaid(error);
  const cause = isFhirError(error) ? error : (error as { cause?: unknown } | undefined)?.cause;
  const scope =
    isFhirError(cause) && cause.insufficientScope ? (cause.scope ?? 'the scope it names') : undefined;
  return {
    severity: 'blocker',
    title: `write test: ${what} failed: ${messageOf(error)}`,
    ...(said === undefined ? {} : { ehrSaid: said }),
    fix:
      scope === undefined
        ? 'Ask the EHR team why the EHR refused this write (quote what the EHR said)'
        : `Ask the EHR team to grant the backend app ${scope}, which this write needs`,
    ...(workflows === undefined ? {} : { workflows }),
  };
}
