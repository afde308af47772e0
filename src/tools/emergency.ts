// Emergency language in any tool's arguments (issue 6 item 5): the agent must hear the emergency
// instruction at once, before any EHR work. Phrases follow the red-flag symptoms US nurse-line
// triage treats as "call 911 now" (chest pain, trouble breathing, stroke signs, heavy bleeding,
// overdose) and suicidal language, for which 988 is the US Suicide & Crisis Lifeline
// (https://988lifeline.org). Matching is on whole words, case-insensitive; a miss costs less than
// a call the agent keeps scheduling through, so the list errs broad.

export type EmergencyKind = 'emergency' | 'suicidal';

export const DEFAULT_EMERGENCY_SAY = 'If this is an emergency, please hang up and call 911 now.';
export const DEFAULT_CRISIS_SAY =
  'If you are thinking about harming yourself, please call or text 988 now, the Suicide and Crisis Lifeline, or call 911 if you are in danger.';

const SUICIDAL = [
  'suicidal',
  'suicide',
  'kill myself',
  'killing myself',
  'end my life',
  'want to die',
  'hurt myself',
  'harm myself',
];

const EMERGENCY = [
  'chest pain',
  'chest pains',
  'chest pressure',
  "can't breathe",
  'cant breathe',
  'cannot breathe',
  'can not breathe',
  'trouble breathing',
  'difficulty breathing',
  'not breathing',
  'stopped breathing',
  'heart attack',
  'stroke',
  'face drooping',
  'slurred speech',
  'unconscious',
  'passed out',
  'unresponsive',
  'seizure',
  'bleeding heavily',
  "won't stop bleeding",
  'severe bleeding',
  'overdose',
  'overdosed',
  'anaphylaxis',
  'throat closing',
];

const phrasePattern = (phrase: string) =>
  phrase
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/'/g, "['’]?")
    .replace(/ /g, '\\s+');
const pattern = (phrases: readonly string[]) =>
  new RegExp(`\\b(?:${phrases.map(phrasePattern).join('|')})\\b`, 'i');
const SUICIDAL_PATTERN = pattern(SUICIDAL);
const EMERGENCY_PATTERN = pattern(EMERGENCY);

/** Every string inside the arguments, at any depth (bounded: arguments are size-limited first). */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) strings(item, out);
  else if (value !== null && typeof value === 'object')
    for (const item of Object.values(value)) strings(item, out);
  return out;
}

/** The kind of emergency the arguments speak of, suicidal first (its instruction names 988). */
export function detectEmergency(args: unknown): EmergencyKind | undefined {
  const texts = strings(args);
  if (texts.some((text) => SUICIDAL_PATTERN.test(text))) return 'suicidal';
  if (texts.some((text) => EMERGENCY_PATTERN.test(text))) return 'emergency';
  return undefined;
}
