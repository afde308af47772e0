// Numbers said in Spanish, as far as dates need them: a day ("doce", "treinta y uno",
// "primero") and a year ("mil novecientos setenta", "dos mil cinco").
import type { Token } from './words.ts';

const SMALL = new Map<string, number>(
  Object.entries({
    un: 1,
    uno: 1,
    una: 1,
    primero: 1,
    primer: 1,
    dos: 2,
    tres: 3,
    cuatro: 4,
    cinco: 5,
    seis: 6,
    siete: 7,
    ocho: 8,
    nueve: 9,
    diez: 10,
    once: 11,
    doce: 12,
    trece: 13,
    catorce: 14,
    quince: 15,
    dieciséis: 16,
    dieciseis: 16,
    diecisiete: 17,
    dieciocho: 18,
    diecinueve: 19,
    veinte: 20,
    veintiuno: 21,
    veintiún: 21,
    veintiun: 21,
    veintidós: 22,
    veintidos: 22,
    veintitrés: 23,
    veintitres: 23,
    veinticuatro: 24,
    veinticinco: 25,
    veintiséis: 26,
    veintiseis: 26,
    veintisiete: 27,
    veintiocho: 28,
    veintinueve: 29,
  }),
);
const TENS = new Map<string, number>(
  Object.entries({
    treinta: 30,
    cuarenta: 40,
    cincuenta: 50,
    sesenta: 60,
    setenta: 70,
    ochenta: 80,
    noventa: 90,
  }),
);
const HUNDREDS = new Map<string, number>(
  Object.entries({
    cien: 100,
    ciento: 100,
    doscientos: 200,
    trescientos: 300,
    cuatrocientos: 400,
    quinientos: 500,
    seiscientos: 600,
    setecientos: 700,
    ochocientos: 800,
    novecientos: 900,
  }),
);

export type SpanishNumber = { value: number; first: number; next: number };

// below a hundred: "doce", "treinta", "treinta y uno"
function belowHundred(t: Token[], i: number): { value: number; next: number } | undefined {
  const w = t[i]?.lower;
  if (w === undefined) return undefined;
  const small = SMALL.get(w);
  if (small !== undefined) return { value: small, next: i + 1 };
  const tens = TENS.get(w);
  if (tens === undefined) return undefined;
  const unit = t[i + 1]?.lower === 'y' ? SMALL.get(t[i + 2]?.lower ?? '') : undefined;
  return unit !== undefined && unit < 10 ? { value: tens + unit, next: i + 3 } : { value: tens, next: i + 1 };
}

/** The Spanish number that starts at token i, read as far as it goes. */
export function readSpanishNumber(t: Token[], i: number): SpanishNumber | undefined {
  let value = 0;
  let j = i;
  // thousands: "mil", "dos mil"
  if (t[j]?.lower === 'mil') {
    value = 1000;
    j++;
  } else if (t[j + 1]?.lower === 'mil') {
    const n = belowHundred(t, j);
    if (n && n.next === j + 1) {
      value = n.value * 1000;
      j += 2;
    }
  }
  const h = HUNDREDS.get(t[j]?.lower ?? '');
  if (h !== undefined) {
    value += h;
    j++;
  }
  const rest = belowHundred(t, j);
  if (rest) {
    value += rest.value;
    j = rest.next;
  }
  return j === i ? undefined : { value, first: i, next: j };
}

/** The Spanish day number that ends at token `last` ("doce", "treinta y uno"). */
export function spanishDayEndingAt(t: Token[], last: number): SpanishNumber | undefined {
  if (last >= 2 && t[last - 1].lower === 'y') {
    const n = belowHundred(t, last - 2);
    if (n && n.next === last + 1) return { value: n.value, first: last - 2, next: last + 1 };
  }
  const n = belowHundred(t, last);
  return n ? { value: n.value, first: last, next: last + 1 } : undefined;
}
