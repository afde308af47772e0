// The words before a value that say what it is ("member ID", "date of birth", "call me"), and
// those that say it is no identifier at all ("group number", "room", "confirmation code").
// Cue kinds that the words before a value (or the previous utterance) give it.
export type Cue =
  | 'dob'
  | 'name'
  | 'phone'
  | 'member'
  | 'mrn'
  | 'ssn'
  | 'zip'
  | 'not-phi'
  | 'email'
  | 'address';

export const CUE_WORDS: Array<[string[], Cue]> = [
  [['date', 'of', 'birth'], 'dob'],
  [['birth', 'date'], 'dob'],
  [['birthdate'], 'dob'],
  [['birthday'], 'dob'],
  [['born'], 'dob'],
  [['dob'], 'dob'],
  [['fecha', 'de', 'nacimiento'], 'dob'],
  [['social', 'security'], 'ssn'],
  [['social'], 'ssn'],
  [['ssn'], 'ssn'],
  [['member'], 'member'],
  [['subscriber', 'id'], 'member'],
  [['insurance', 'id'], 'member'],
  [['policy'], 'member'],
  [['medicare', 'number'], 'member'],
  [['medicaid', 'number'], 'member'],
  [['medicare', 'id'], 'member'],
  [['medicaid', 'id'], 'member'],
  [['plan', 'id'], 'member'],
  [['va', 'id'], 'member'],
  [['id', 'on'], 'member'],
  [['the', 'id', 'is'], 'member'],
  [['id', 'is'], 'member'],
  [['mrn'], 'mrn'],
  [['medical', 'record'], 'mrn'],
  [['chart', 'number'], 'mrn'],
  [['record', 'number'], 'mrn'],
  [['patient', 'id'], 'mrn'],
  [['zip'], 'zip'],
  [['zip', 'code'], 'zip'],
  [['postal', 'code'], 'zip'],
  [['phone'], 'phone'],
  [['cell'], 'phone'],
  [['mobile'], 'phone'],
  [['callback'], 'phone'],
  [['call', 'me'], 'phone'],
  [['reach', 'me'], 'phone'],
  [['text', 'me'], 'phone'],
  [['calling', 'from'], 'phone'],
  [['ending', 'in'], 'phone'],
  [['ends', 'in'], 'phone'],
  [['my', 'number'], 'phone'],
  [['number', 'is'], 'phone'],
  [['phone', 'number'], 'phone'],
  [['group'], 'not-phi'],
  [['group', 'number'], 'not-phi'],
  [['confirmation', 'number'], 'not-phi'],
  [['confirmation'], 'not-phi'],
  [['appointment', 'number'], 'not-phi'],
  [['room'], 'not-phi'],
  [['suite'], 'not-phi'],
  [['code'], 'not-phi'],
  [['email'], 'email'],
  [['e-mail'], 'email'],
  [['address'], 'address'],
  [['name'], 'name'],
  [['name', 'is'], 'name'],
];
