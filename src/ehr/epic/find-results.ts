// Reading an Epic `$find` answer (DESIGN.md section 5; the same shape as Argonaut Scheduling's,
// argonaut/Bundle-hal-dr-y-appts.json): a searchset Bundle of `proposed` Appointments, each a
// bookable opening whose id `$book` takes back, plus OperationOutcome entries with
// `search.mode = outcome` saying why there is little or nothing (59200: no such visit type,
// 4101: no results).
import type { Appointment, Bundle, OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';
import type { FindNote, SlotCandidate } from '../adapter.ts';
import { referenceId } from '../lib/references.ts';

/** Epic's outcome codes for `$find` (DESIGN.md section 5). */
export const EPIC_UNKNOWN_VISIT_TYPE_CODE = '59200';
export const EPIC_NO_RESULTS_CODE = '4101';

export function proposalToCandidate(
  appointment: Appointment,
  visitTypeId: string,
): SlotCandidate | undefined {
  if (appointment.id === undefined || appointment.start === undefined || appointment.end === undefined) {
    return undefined;
  }
  let practitioner: SlotCandidate['practitioner'];
  let location: SlotCandidate['location'];
  for (const p of appointment.participant ?? []) {
    const pid = referenceId(p.actor, 'Practitioner');
    if (pid !== undefined && practitioner === undefined) {
      practitioner = p.actor?.display === undefined ? { id: pid } : { id: pid, display: p.actor.display };
    }
    const lid = referenceId(p.actor, 'Location');
    if (lid !== undefined && location === undefined) {
      location = p.actor?.display === undefined ? { id: lid } : { id: lid, display: p.actor.display };
    }
  }
  return {
    handle: appointment.id,
    start: appointment.start,
    end: appointment.end,
    ...(practitioner === undefined ? {} : { practitioner }),
    ...(location === undefined ? {} : { location }),
    visitTypeId,
  };
}

function issueCodes(issue: OperationOutcomeIssue): string[] {
  return (issue.details?.coding ?? []).flatMap((c) => (typeof c.code === 'string' ? [c.code] : []));
}

export function issueToNote(issue: OperationOutcomeIssue): FindNote | undefined {
  const codes = issueCodes(issue);
  const diagnostics = issue.diagnostics ?? issue.details?.text;
  const withText = (note: { kind: FindNote['kind']; code?: string }): FindNote =>
    diagnostics === undefined ? note : { ...note, diagnostics };
  if (codes.includes(EPIC_UNKNOWN_VISIT_TYPE_CODE)) {
    return withText({ kind: 'unknown-visit-type', code: EPIC_UNKNOWN_VISIT_TYPE_CODE });
  }
  if (codes.includes(EPIC_NO_RESULTS_CODE))
    return withText({ kind: 'no-results', code: EPIC_NO_RESULTS_CODE });
  // "the operation was successful" (argonaut/OperationOutcome-example.json) says nothing to act on.
  if (issue.severity === 'information') return undefined;
  return withText(codes[0] === undefined ? { kind: 'other' } : { kind: 'other', code: codes[0] });
}

export function readFindBundle(
  bundle: Bundle,
  visitTypeId: string,
): { candidates: SlotCandidate[]; notes: FindNote[] } {
  const candidates: SlotCandidate[] = [];
  const notes: FindNote[] = [];
  for (const entry of bundle.entry ?? []) {
    const r = entry.resource;
    if (r === undefined) continue;
    if (r.resourceType === 'OperationOutcome') {
      for (const issue of (r as OperationOutcome).issue ?? []) {
        const note = issueToNote(issue);
        if (note !== undefined) notes.push(note);
      }
    } else if (r.resourceType === 'Appointment' && entry.search?.mode !== 'outcome') {
      // Only openings: a `$find` answer holds proposals, never booked appointments.
      if (r.status !== undefined && r.status !== 'proposed') continue;
      const candidate = proposalToCandidate(r, visitTypeId);
      if (candidate !== undefined) candidates.push(candidate);
    }
  }
  return { candidates, notes };
}
