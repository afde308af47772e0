// Street types ("Elm Street", "Oak Ave") and the words that start a street name in Spanish,
// French and Italian addresses ("Calle Amapola").
export const STREET_TYPES: ReadonlySet<string> = new Set([
  'street',
  'st',
  'avenue',
  'ave',
  'road',
  'rd',
  'lane',
  'ln',
  'drive',
  'boulevard',
  'blvd',
  'court',
  'ct',
  'way',
  'place',
  'pl',
  'terrace',
  'circle',
  'parkway',
  'pkwy',
  'highway',
  'hwy',
  'trail',
  'square',
  'loop',
]);
export const STREET_PREFIXES: ReadonlySet<string> = new Set(['calle', 'avenida', 'camino', 'via', 'rue']);

export const STREET_WORDS: ReadonlySet<string> = new Set([...STREET_TYPES, ...STREET_PREFIXES]);
