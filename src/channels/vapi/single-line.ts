// Vapi reads a tool's result as one line: "Use single-line strings only. Line breaks cause
// parsing errors" (docs.vapi.ai/tools/custom-tools-troubleshooting). JSON.stringify escapes
// newlines inside strings already; this also folds them out of the values themselves, so the
// model never sees a literal "\n" either.
const LINE_BREAKS = /\s*[\r\n\u2028\u2029]+\s*/g;

export function oneLine(text: string): string {
  return text.replace(LINE_BREAKS, ' ').trim();
}

/** A copy of `value` whose every string is on one line. */
export function foldLines(value: unknown): unknown {
  if (typeof value === 'string') return oneLine(value);
  if (Array.isArray(value)) return value.map(foldLines);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, foldLines(item)]));
  }
  return value;
}
