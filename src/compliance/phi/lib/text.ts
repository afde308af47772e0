// Folds the text a recognizer sees: NFKC, zero-width and soft-hyphen characters removed, and the
// Cyrillic/Greek letters that look like Latin ones mapped to Latin (Unicode TR39 confusables), so
// "Ma\u200Bria" or "Mаria" with a Cyrillic "а" is found like "Maria". `origin[i]` is the offset in
// the original text of folded character i, so spans land on the original text, invisible
// characters included.

const INVISIBLE = /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]/;

// TR39 confusables.txt entries for the letters seen in spoofed Latin text.
const CONFUSABLE: Record<string, string> = {
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  і: 'i',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  ɡ: 'g',
  ӏ: 'l',
  А: 'A',
  В: 'B',
  Е: 'E',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  Х: 'X',
  І: 'I',
  Ј: 'J',
  Ѕ: 'S',
  α: 'a',
  ο: 'o',
  ρ: 'p',
  ν: 'v',
  ι: 'i',
  κ: 'k',
  τ: 't',
  υ: 'u',
  Α: 'A',
  Β: 'B',
  Ε: 'E',
  Ζ: 'Z',
  Η: 'H',
  Ι: 'I',
  Κ: 'K',
  Μ: 'M',
  Ν: 'N',
  Ο: 'O',
  Ρ: 'P',
  Τ: 'T',
  Υ: 'Y',
  Χ: 'X',
};

export type FoldedText = { text: string; origin: number[] | undefined };

const PLAIN = /^[\t\n\r -~]*$/;

export function foldText(input: string): FoldedText {
  if (PLAIN.test(input)) return { text: input, origin: undefined };
  let text = '';
  const origin: number[] = [];
  for (let i = 0; i < input.length; ) {
    const cp = input.codePointAt(i) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    const ch = input.slice(i, i + width);
    let out: string;
    if (INVISIBLE.test(ch)) out = '';
    else if (cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp < 0xa0) || cp === 0xfffd) out = ' ';
    else if (cp < 0x80) out = ch;
    else out = CONFUSABLE[ch] ?? ch.normalize('NFKC');
    for (let k = 0; k < out.length; k++) origin.push(i);
    text += out;
    i += width;
  }
  origin.push(input.length);
  return { text, origin };
}

// Maps a [start, end) span of the folded text back onto the original text.
export function toOriginal(folded: FoldedText, start: number, end: number): [number, number] {
  if (!folded.origin) return [start, end];
  const o = folded.origin;
  const s = o[start];
  // end is exclusive: take the original offset after the last folded character of the span
  const last = o[end - 1];
  let e = end < o.length ? o[end] : o[o.length - 1];
  if (e <= last) e = last + 1;
  return [s, e];
}
