// Coverage.relationship is the beneficiary's (the patient's) relationship to the subscriber, from
// the R4 value set http://hl7.org/fhir/R4/valueset-subscriber-relationship.html. The agent may
// pass the code or a plain word that names it in that direction ("child" when a parent holds
// the policy, "husband" or "wife" for spouse). Words that leave the direction open ("mother":
// the policy holder's mother, or the patient's?) are not guessed at: `undefined`, and the tool
// answers invalid_input naming the field.
import { SUBSCRIBER_RELATIONSHIPS, type SubscriberRelationship } from '../../mapping/coverage.ts';

const SYNONYMS: Readonly<Record<string, Exclude<SubscriberRelationship, 'self'>>> = {
  son: 'child',
  daughter: 'child',
  dependent: 'child',
  husband: 'spouse',
  wife: 'spouse',
  'domestic partner': 'common',
  partner: 'common',
  'common law': 'common',
  'common law spouse': 'common',
};

/** A relationship other than `self`, or undefined when outside the value set. */
export function subscriberRelationship(spoken: string): Exclude<SubscriberRelationship, 'self'> | undefined {
  const word = spoken.trim().toLowerCase().replace(/[-_]+/g, ' ').replace(/\s+/g, ' ');
  if (word === 'self') return undefined;
  if ((SUBSCRIBER_RELATIONSHIPS as readonly string[]).includes(word)) {
    return word as Exclude<SubscriberRelationship, 'self'>;
  }
  return SYNONYMS[word];
}
