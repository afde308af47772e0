// The words dates are made of, as chrono-node's English locale spells them
// (chrono-node src/locales/en/constants.ts: MONTH_DICTIONARY, WEEKDAY_DICTIONARY, the casual
// words of ENCasualDateParser, TIME_UNIT_DICTIONARY), and the Spanish month and day names that
// callers use ("doce de marzo", "lunes o martes"), in one map so a token is looked up once.

export type DateWord =
  | { kind: 'month'; month: number; abbreviation: boolean; spanish?: true }
  | { kind: 'weekday'; weekday: number; abbreviation: boolean; spanish?: true }
  | { kind: 'casual' }
  | { kind: 'modifier' } // this | last | past | next
  | { kind: 'unit'; unit: 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year' };

export const DATE_WORDS = new Map<string, DateWord>();

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
MONTHS.forEach((name, i) => {
  DATE_WORDS.set(name, { kind: 'month', month: i + 1, abbreviation: false });
});
for (const [abbr, month] of [
  ['jan', 1],
  ['feb', 2],
  ['mar', 3],
  ['apr', 4],
  ['jun', 6],
  ['jul', 7],
  ['aug', 8],
  ['sep', 9],
  ['sept', 9],
  ['oct', 10],
  ['nov', 11],
  ['dec', 12],
] as const) {
  DATE_WORDS.set(abbr, { kind: 'month', month, abbreviation: true });
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
WEEKDAYS.forEach((name, i) => {
  DATE_WORDS.set(name, { kind: 'weekday', weekday: i, abbreviation: false });
});
for (const [abbr, weekday] of [
  ['sun', 0],
  ['mon', 1],
  ['tue', 2],
  ['tues', 2],
  ['wed', 3],
  ['thu', 4],
  ['thur', 4],
  ['thurs', 4],
  ['fri', 5],
  ['sat', 6],
] as const) {
  DATE_WORDS.set(abbr, { kind: 'weekday', weekday, abbreviation: true });
}

// "now" is left out: it names no day a caller could be identified by
for (const word of ['today', 'tonight', 'tomorrow', 'overmorrow', 'tmr', 'tmrw', 'yesterday']) {
  DATE_WORDS.set(word, { kind: 'casual' });
}
for (const word of ['this', 'last', 'past', 'next']) DATE_WORDS.set(word, { kind: 'modifier' });

for (const [word, unit] of [
  ['second', 'second'],
  ['seconds', 'second'],
  ['sec', 'second'],
  ['secs', 'second'],
  ['minute', 'minute'],
  ['minutes', 'minute'],
  ['min', 'minute'],
  ['mins', 'minute'],
  ['hour', 'hour'],
  ['hours', 'hour'],
  ['hr', 'hour'],
  ['hrs', 'hour'],
  ['day', 'day'],
  ['days', 'day'],
  ['week', 'week'],
  ['weeks', 'week'],
  ['fortnight', 'week'],
  ['month', 'month'],
  ['months', 'month'],
  ['mo', 'month'],
  ['mos', 'month'],
  ['quarter', 'quarter'],
  ['quarters', 'quarter'],
  ['qtr', 'quarter'],
  ['year', 'year'],
  ['years', 'year'],
  ['yr', 'year'],
  ['yrs', 'year'],
] as const) {
  DATE_WORDS.set(word, { kind: 'unit', unit });
}

for (const [name, month] of [
  ['enero', 1],
  ['febrero', 2],
  ['marzo', 3],
  ['abril', 4],
  ['mayo', 5],
  ['junio', 6],
  ['julio', 7],
  ['agosto', 8],
  ['septiembre', 9],
  ['setiembre', 9],
  ['octubre', 10],
  ['noviembre', 11],
  ['diciembre', 12],
] as const) {
  DATE_WORDS.set(name, { kind: 'month', month, abbreviation: false, spanish: true });
}
for (const [name, weekday] of [
  ['domingo', 0],
  ['lunes', 1],
  ['martes', 2],
  ['miércoles', 3],
  ['miercoles', 3],
  ['jueves', 4],
  ['viernes', 5],
  ['sábado', 6],
  ['sabado', 6],
] as const) {
  DATE_WORDS.set(name, { kind: 'weekday', weekday, abbreviation: false, spanish: true });
}
for (const word of ['próximo', 'proximo', 'este', 'pasado']) DATE_WORDS.set(word, { kind: 'modifier' });
