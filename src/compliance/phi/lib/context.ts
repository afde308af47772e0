import type { CueHit } from './candidate.ts';
import type { FoldedText } from './text.ts';
import type { NumberGroups, Token } from './words.ts';

// Known values of the verified patient, prepared once per rememberKnown() for matching.
export type PreparedKnown = {
  nameParts: Set<string>;
  birth?: { year: number; month: number; day: number };
  phoneDigits?: string; // national significant number
  mrn?: string; // lower-case alphanumerics
  memberId?: string;
  addressWords: string[]; // street line, lower-case words and digits
};

// What one utterance looks like to the recognizers.
export type Utterance = {
  folded: FoldedText;
  text: string;
  tokens: Token[];
  numbers: NumberGroups;
  // 1 where the token is part of a spoken or written number
  numberTokens: Uint8Array;
  cues: CueHit[];
  // the cue that ended the previous utterance of the call ("my name" / "is Henry")
  carriedCue: CueHit['cue'] | undefined;
  known: PreparedKnown | undefined;
  lowercaseOnly: boolean;
  // every LEX_* flag of some token (lexicon.ts), so a recognizer with nothing to look at stops
  flags: number;
  // some token is a run of digits
  hasDigits: boolean;
  now: Date;
};
