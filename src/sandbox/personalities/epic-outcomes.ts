// OperationOutcome issues in Epic's manner: Epic puts its numeric error code in
// `issue.details.coding` under its error-code system, with a fixed display, and `$find` returns
// them as Bundle entries with `search.mode = outcome` (DESIGN.md section 5; the entry shape of
// argonaut/Bundle-hal-dr-y-appts.json).

import type { BundleEntry, OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';
import { FhirOutcomeError } from '../lib/outcome.ts';

/** The code system of Epic's FHIR error codes. */
export const EPIC_OUTCOME_SYSTEM = 'urn:oid:1.2.840.114350.1.13.0.1.7.2.657369';
/** `$find` could not tell which visit type to schedule (serviceType missing or unknown). */
export const EPIC_NO_VISIT_TYPE = '59200';
/** The request was understood and nothing matched. */
export const EPIC_NO_RESULTS = '4101';

/**
 * The sandbox's own code system for refusals the gateway must tell apart where Epic documents no
 * code of its own: `slot-unavailable` from `$book` (the proposal is gone, expired, already
 * booked, or its slot was taken).
 */
export const SANDBOX_OUTCOME_SYSTEM = 'urn:ehrgate:sandbox:outcome';
export const SLOT_UNAVAILABLE = 'slot-unavailable';

const DISPLAY: Readonly<Record<string, string>> = {
  [EPIC_NO_VISIT_TYPE]: 'Unable to determine a visit type.',
  [EPIC_NO_RESULTS]: 'Resource request returns no results.',
};

export function epicIssue(code: string, diagnostics: string): OperationOutcomeIssue {
  const display = DISPLAY[code] ?? diagnostics;
  return {
    severity: 'warning',
    code: code === EPIC_NO_RESULTS ? 'informational' : 'processing',
    details: { coding: [{ system: EPIC_OUTCOME_SYSTEM, code, display }], text: display },
    diagnostics,
  };
}

export function outcomeEntry(...issues: OperationOutcomeIssue[]): BundleEntry {
  const resource: OperationOutcome = { resourceType: 'OperationOutcome', issue: issues };
  return { resource, search: { mode: 'outcome' } };
}

/** 409 "slot no longer available" from `$book`, told apart by SANDBOX_OUTCOME_SYSTEM|slot-unavailable. */
export function slotUnavailable(diagnostics: string): FhirOutcomeError {
  return new FhirOutcomeError(409, {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'error',
        code: 'conflict',
        details: {
          coding: [
            { system: SANDBOX_OUTCOME_SYSTEM, code: SLOT_UNAVAILABLE, display: 'Slot no longer available' },
          ],
          text: 'Slot no longer available',
        },
        diagnostics,
      },
    ],
  });
}
