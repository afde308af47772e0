// What the identity tools answer (issue 5 items 1-2). findPatient is not a write, so it has its
// own small set of results; registerPatient follows the outcome contract of ../outcome.ts
// (confirmed / failed / queued). Neither carries anything the caller did not say: a verified or
// registered patient is an opaque handle (patient-handle.ts), never a name, a birth date or a
// record's phone number, and a failure never tells which detail was wrong.
import type { FailedOutcome, FailureReason, QueuedOutcome } from '../outcome.ts';

/** The details a caller may be asked for after name and birth date. */
export type ExtraDetail = 'phone' | 'postalCode';

export type PatientVerified = {
  readonly status: 'verified';
  readonly say: string;
  /** Signed patient handle bound to this tenant and call; pass it to booking and intake tools. */
  readonly patient: string;
  /**
   * What the EHR holds for this patient, for the PHI firewall to recognise in later text (the
   * tool's output schema drops it: the model never reads it).
   */
  readonly facts: PatientFacts;
};

/** The verified patient's identifiers as the EHR holds them (compliance/phi KnownValues). */
export type PatientFacts = {
  readonly name?: string;
  readonly birthDate?: string;
  readonly phone?: string;
  readonly mrn?: string;
};

export type PatientNeedsMore = {
  readonly status: 'needs_more';
  readonly say: string;
  /** The detail to ask for next. */
  readonly ask: ExtraDetail;
};

export type PatientNotFound = {
  readonly status: 'not_found';
  readonly say: string;
  /** Failed attempts this call may still make before verification is refused. */
  readonly attemptsLeft: number;
};

export type IdentityFailureReason =
  | 'invalid_input'
  | 'attempts_exhausted'
  /** Every detail given still fits several records: staff must tell them apart. */
  | 'ambiguous'
  | 'not_authorized'
  | 'ehr_unavailable';

export type IdentityFailed = {
  readonly status: 'failed';
  readonly reason: IdentityFailureReason;
  readonly say: string;
  /** For invalid_input: the request field at fault. */
  readonly field?: string;
  readonly missingScopes?: readonly string[];
};

export type FindPatientResult = PatientVerified | PatientNeedsMore | PatientNotFound | IdentityFailed;

export type PatientRegistered = {
  readonly status: 'confirmed';
  readonly say: string;
  readonly patient: string;
  readonly warnings?: readonly string[];
};

export type RegisterFailed = Omit<FailedOutcome, 'reason'> & {
  /** `duplicate`: a record with this name and birth date exists; verify the caller instead. */
  readonly reason: FailureReason | 'duplicate';
};

export type RegisterPatientOutcome = PatientRegistered | RegisterFailed | QueuedOutcome;

export const SAY = {
  verified: "Thank you, I've found your record.",
  askPhone: 'Thanks. To make sure I have the right record, what phone number do we have on file for you?',
  askPostalCode: "Thanks. To make sure I have the right record, what's the ZIP code of your home address?",
  notFound:
    "I couldn't find a record matching those details. Could you spell your last name and say your date of birth again?",
  exhausted:
    "I'm not able to verify your identity over the phone. Let me connect you with a member of our staff.",
  ambiguous:
    "I can't tell your record apart from another one over the phone. Let me connect you with our staff.",
  badName: 'Could you tell me your first and last name?',
  badBirthDate: "I didn't catch a valid date of birth. Could you say the month, day and year?",
  badPhone: "I didn't catch that phone number. Could you say it again, digit by digit?",
  badPostalCode: "I didn't catch that ZIP code. Could you say the five digits again?",
  notAuthorized:
    "I can't look up patient records right now because this line hasn't been granted access. I'll have staff follow up.",
  unavailable: "Our records system isn't answering right now. Let me try again in a moment.",
  registered: "You're registered with us now.",
  duplicate:
    'It looks like you may already have a record with us. Let me verify you with your details instead of creating a new one.',
  registerPending:
    "I've taken down your details. Our records system is slow right now, so our staff will make sure your record is created.",
  registerQueued:
    "I've passed your details to our staff, who will finish creating your record and confirm with you.",
  registerRejected:
    "Our records system didn't accept those details. Our staff will review them and call you back.",
  registerNotAuthorized:
    "I can't create a record right now because this line hasn't been granted access. Our staff will follow up.",
  keyReused: 'That request conflicts with an earlier one, so I did not change anything.',
} as const;
