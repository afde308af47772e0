// The words around a person's name: cues before it, titles, and the words after a cue that are
// not names ("my name is calling ..." never happens, "I'm calling" does).

export const STRONG_NAME_CUES: readonly string[][] = [
  ['my', 'name', 'is'],
  ['name', 'is'],
  ["name's"],
  ['names'],
  ['name'],
  ['first', 'name', 'is'],
  ['first', 'name'],
  ['last', 'name', 'is'],
  ['last', 'name'],
  ['ask', 'for'],
  ['patient'],
  ['subscriber'],
  ['subscriber', 'is'],
  ['this', 'is'],
  ['is'],
  ['yes', "it's"],
  ['calling', 'for'],
];

export const WEAK_NAME_CUES: readonly string[][] = [
  ["i'm"],
  // speech-to-text often drops the apostrophe
  ['im'],
  ['its'],
  ['i', 'am'],
  ["it's"],
  ["that's"],
  ['thanks'],
  ['thank', 'you'],
  ['hi'],
  ['hello'],
  ['yes'],
  ['yeah'],
  ['son'],
  ['daughter'],
  ['wife'],
  ['husband'],
  ['mom'],
  ['mother'],
  ['father'],
  ['dad'],
  ['grandmother'],
  ['grandfather'],
  ['grandson'],
  ['granddaughter'],
  ['sister'],
  ['brother'],
  ['partner'],
  ['child'],
  ['friend'],
];

export const TITLES: ReadonlySet<string> = new Set(['mr', 'mrs', 'ms', 'miss', 'mx']);
export const PRACTITIONER_TITLES: ReadonlySet<string> = new Set(['dr', 'doctor', 'dra', 'nurse', 'np', 'pa']);
export const NOT_NAMES: ReadonlySet<string> = new Set([
  'calling',
  'visiting',
  'looking',
  'trying',
  'free',
  'fine',
  'sorry',
  'kidding',
  'not',
  'just',
  'also',
]);
