// Identifier types the firewall tokenises. The set follows the HIPAA Safe Harbor identifiers that
// a scheduling/intake call actually carries (45 CFR 164.514(b)(2)(i)): names, street addresses
// and ZIP codes, dates (birth dates apart, because identity checks lean on them), telephone
// numbers, email addresses, SSNs, medical record numbers and health plan beneficiary numbers.
export const PHI_TYPES = [
  'NAME',
  'DOB',
  'PHONE',
  'MRN',
  'MEMBER_ID',
  'ADDRESS',
  'EMAIL',
  'SSN',
  'DATE',
] as const;

export type PhiType = (typeof PHI_TYPES)[number];

// `standard` lets the LLM see appointment dates (scheduling cannot work without them);
// `strict` tokenises every identifier type, all dates included.
export type PhiPolicy = 'standard' | 'strict';

export type PhiSpan = {
  type: PhiType;
  // UTF-16 offsets into the text given to protect(), end exclusive
  start: number;
  end: number;
  // why it was found: the call's own known value, a typed recognizer, or the names dictionary
  source: 'known' | 'recognizer' | 'dictionary';
};

// Values the EHR holds for the verified patient (FHIR Patient.name/birthDate/telecom/identifier/
// address, Coverage.subscriberId), given to the firewall once identity is verified.
export type KnownValues = {
  name?: string;
  birthDate?: string; // FHIR date, YYYY-MM-DD
  phone?: string;
  mrn?: string;
  address?: string;
  memberId?: string;
};
