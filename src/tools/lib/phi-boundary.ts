// The PHI firewall at the tool boundary (issue 7 item 1, promise P7). Arguments arrive from the
// LLM, which saw tokens (`[NAME_481516]`) instead of identifiers: they are revealed here, before
// the schema check and before any EHR request, and a token this call never issued is an invalid
// argument naming its field. Answers go back to the LLM: every free-text field is protected, so
// an identifier that slips into a `say` sentence (the verified caller's name, a phone number read
// back) reaches the model as a token. Structural fields (codes, ids, ISO instants) pass as they
// are: a signed handle put through a recognizer could come out as a "member id".
import type { PhiFirewall } from '../../compliance/phi/index.ts';
import { TOKEN_PATTERN } from '../../compliance/phi/vault.ts';
import { isEhrgateError } from '../../errors.ts';
import type { IssuedToken } from './shared-vault.ts';

/** Output keys whose values are machine values, never free text for the model to read. */
const STRUCTURAL_KEYS = new Set([
  'status',
  'reason',
  'ask',
  'kind',
  'field',
  'piece',
  'offer',
  'offerId',
  'appointmentId',
  'workItemId',
  'outboxId',
  'start',
  'end',
  'missingScopes',
  'workItems',
  // the clinic's directory (FHIR Practitioner, Location), not the caller's identifiers
  'practitioner',
  'location',
  'intent',
]);

export type RevealedArguments =
  | { readonly ok: true; readonly value: unknown; readonly types: readonly string[] }
  | { readonly ok: false; readonly message: string };

/**
 * Replaces this call's tokens in the arguments with the values they stand for: the firewall's
 * own, else `shared` (tokens other processes issued in this call: shared-vault.ts).
 */
export function revealArguments(
  firewall: PhiFirewall,
  callId: string,
  args: unknown,
  shared?: ReadonlyMap<string, string>,
): RevealedArguments {
  const types: string[] = [];
  const walk = (value: unknown, path: string): unknown => {
    if (typeof value === 'string') {
      const before = types.length;
      for (const match of value.matchAll(TOKEN_PATTERN)) types.push(match[1] as string);
      if (types.length === before) return value;
      const text = revealText(firewall, callId, value, shared);
      if (text === undefined) throw new UnknownToken(path);
      return text;
    }
    if (Array.isArray(value)) return value.map((item, i) => walk(item, `${path}.${i}`));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[key] = walk(item, `${path}.${key}`);
      return out;
    }
    return value;
  };
  // Vapi and OpenAI send arguments as a JSON string: tokens inside it are revealed the same way.
  let input = args;
  if (typeof args === 'string' && args.includes('[')) {
    try {
      input = JSON.parse(args);
    } catch {
      return { ok: true, value: args, types: [] };
    }
  }
  try {
    const value = walk(input, 'arguments');
    return { ok: true, value: types.length === 0 ? args : value, types };
  } catch (error) {
    if (error instanceof UnknownToken) {
      return { ok: false, message: `${error.path}: holds a PHI token this call never issued` };
    }
    throw error;
  }
}

// Ids the gateway itself mints (work items, outbox rows) inside a sentence: a run of their hex
// digits reads like a member id to a recognizer, so they are kept out of its sight.
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

/**
 * Protects `text` except for the parts that are not the caller's (`shielded`, see shieldOf): ids
 * the gateway minted, and the directory names and offered times the answer carries ("Tuesday at
 * 9 with Dr. Daniel Okafor at Main Street Clinic" is the clinic's, and scheduling is useless
 * without it).
 */
function protectText(
  firewall: PhiFirewall,
  callId: string,
  text: string,
  issued?: IssuedToken[],
  shielded: RegExp = shieldOf([]),
): string {
  const piece = (part: string) => {
    if (part === '') return part;
    // An answer is not a turn of the conversation: a question it ends on ("your date of
    // birth?") must not make the next answer's first date a birth date.
    const result = firewall.protect(callId, part, { standalone: true });
    for (const span of result.spans)
      issued?.push({ token: span.token, value: part.slice(span.start, span.end) });
    return result.text;
  };
  let out = '';
  let cursor = 0;
  for (const match of text.matchAll(shielded)) {
    out += piece(text.slice(cursor, match.index)) + match[0];
    cursor = match.index + match[0].length;
  }
  return out + piece(text.slice(cursor));
}

// A tenant's directory is a handful of names, so the same few patterns come back on every answer;
// compiling one costs more than protecting a short sentence.
const MAX_SHIELDS = 256;
const shields = new Map<string, RegExp>();

/** What protectText leaves alone: minted ids, and the literal phrases in `keep`. */
function shieldOf(keep: readonly string[]): RegExp {
  if (keep.length === 0) return UUID;
  const names = [...keep].sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
  const key = names.join('\u0000');
  let shield = shields.get(key);
  if (shield === undefined) {
    if (shields.size >= MAX_SHIELDS) shields.clear();
    shield = new RegExp(`${UUID.source}|${names.map(escapeRegExp).join('|')}`, 'gi');
    shields.set(key, shield);
  }
  return shield;
}

function escapeRegExp(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The text with this call's tokens restored; undefined when one is unknown to both vaults. */
export function revealText(
  firewall: PhiFirewall,
  callId: string,
  text: string,
  shared?: ReadonlyMap<string, string>,
): string | undefined {
  try {
    return firewall.reveal(callId, text);
  } catch (error) {
    if (!isEhrgateError(error, 'ERR_PHI_TOKEN_UNKNOWN')) throw error;
    if (shared === undefined) return undefined;
  }
  const local = firewall.reveal(callId, text, { unknownTokens: 'keep' });
  let unknown = false;
  const revealed = local.replace(TOKEN_PATTERN, (token) => {
    const value = shared.get(token);
    if (value === undefined) unknown = true;
    return value ?? token;
  });
  return unknown ? undefined : revealed;
}

/**
 * The answer as the LLM may read it: free text protected, structural values untouched. Every
 * token handed out is pushed onto `issued` (for the shared vault).
 */
export function protectOutput<T>(
  firewall: PhiFirewall,
  callId: string,
  output: T,
  issued?: IssuedToken[],
): T {
  const keep = new Set<string>();
  const collect = (value: unknown, key: string | undefined): void => {
    if (typeof value === 'string' && (key === 'practitioner' || key === 'location') && value.trim() !== '') {
      keep.add(value);
    } else if (Array.isArray(value)) {
      for (const item of value) collect(item, key);
    } else if (value !== null && typeof value === 'object') {
      // An offered time as spoken ("Tuesday November 24 at 9 am with Dr. Okafor") is made of the
      // clinic's schedule, not the caller's words: a slot on the caller's birthday is no birth date.
      const offer = value as Record<string, unknown>;
      if (typeof offer.offer === 'string' && typeof offer.say === 'string' && offer.say.trim() !== '') {
        keep.add(offer.say);
      }
      for (const [k, item] of Object.entries(value)) collect(item, k);
    }
  };
  collect(output, undefined);
  const shielded = shieldOf([...keep]);
  const walk = (value: unknown, key: string | undefined): unknown => {
    if (typeof value === 'string') {
      return key !== undefined && STRUCTURAL_KEYS.has(key)
        ? value
        : protectText(firewall, callId, value, issued, shielded);
    }
    if (Array.isArray(value)) return value.map((item) => walk(item, key));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(value)) out[k] = walk(item, k);
      return out;
    }
    return value;
  };
  return walk(output, undefined) as T;
}

class UnknownToken extends Error {
  readonly path: string;
  constructor(path: string) {
    super(path);
    this.path = path;
  }
}
