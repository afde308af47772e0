import { isValidPhoneNumber } from 'libphonenumber-js';
import { z } from 'zod';
import { didYouMean } from './did-you-mean.ts';
import { ConfigPath, parseReference, type SecretRef } from './references.ts';

// Building blocks of the configuration schema. Each carries its own reason text, so an error
// line says what a good value looks like; generic reasons (required, wrong type, not one of)
// come from the error map in format-issues.ts.

export const LITERAL_SECRET_REASON =
  'secrets must be a reference (env:NAME or file:PATH), not a literal value';

type RefinementCtx = z.core.$RefinementCtx<unknown>;

function fail(ctx: RefinementCtx, input: unknown, message: string): never {
  ctx.issues.push({ code: 'custom', input, message });
  return z.NEVER;
}

// Unknown keys are errors everywhere (a typo must not silently fall back to a default), and the
// reason names each unknown key with the closest known one. One line per key: the issue message
// is split on newlines by format-issues.ts.
export function strictObject<T extends z.core.$ZodLooseShape>(shape: T) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => unknownKeyReason(key, known)).join('\n')
        : undefined,
  });
}

export function unknownKeyReason(key: string, known: readonly string[]): string {
  const hint = didYouMean(key, known);
  return `unknown key ${JSON.stringify(key)}${hint === undefined ? '' : ` (did you mean ${hint}?)`}`;
}

export const text = () => z.string().trim().min(1, 'must not be empty');

// Tenant ids appear in URLs, metrics labels and store rows, hence the DNS-label shape.
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export const slug = () =>
  z
    .string()
    .regex(
      TENANT_ID_PATTERN,
      'expected lowercase letters, digits and hyphens (at most 63), starting with a letter or digit',
    );

export const secret = () =>
  z.string().transform((value, ctx): SecretRef => {
    const parsed = parseReference(value);
    if (parsed === undefined) return fail(ctx, value, LITERAL_SECRET_REASON);
    if ('error' in parsed) return fail(ctx, value, parsed.error);
    return parsed.ref;
  });

// Identifiers that are not secret on their own (a client id) may be written literally or come
// from the environment, so one file can serve several environments.
export const literalOrReference = () =>
  text().transform((value, ctx): string | SecretRef => {
    const parsed = parseReference(value);
    if (parsed === undefined) return value;
    if ('error' in parsed) return fail(ctx, value, parsed.error);
    return parsed.ref;
  });

export const configPath = () => text().transform((value) => new ConfigPath(value));

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '[::1]']);
const IPV4_LOOPBACK = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase()) || IPV4_LOOPBACK.test(hostname);
}

export function isLoopbackUrl(value: string): boolean {
  return URL.canParse(value) && isLoopbackHost(new URL(value).hostname);
}

// PHI travels over these URLs, so https is required; plain http only reaches the embedded sandbox
// on this machine. The trailing slash is dropped so callers can append `/Patient`.
export const serviceUrl = () =>
  z.string().transform((value, ctx) => {
    if (!URL.canParse(value)) return fail(ctx, value, 'expected an https URL, got a value that is not a URL');
    const url = new URL(value);
    const plainLoopback = url.protocol === 'http:' && isLoopbackHost(url.hostname);
    if (url.protocol !== 'https:' && !plainLoopback) {
      return fail(
        ctx,
        value,
        'expected an https URL (plain http is allowed only for 127.0.0.1, localhost and [::1])',
      );
    }
    if (url.username !== '' || url.password !== '') {
      return fail(ctx, value, 'credentials do not belong in a URL; configure them under auth');
    }
    if (url.search !== '' || url.hash !== '')
      return fail(ctx, value, 'expected a URL without a query or fragment');
    return url.href.replace(/\/+$/, '');
  });

// The file's `store.url`: a database location is not secret, a password is; so a postgres URL
// may be literal only without a password. `sqlite:PATH` is relative to the configuration file.
export const storeUrl = () =>
  text().transform((value, ctx): string | SecretRef | ConfigPath => {
    const parsed = parseReference(value);
    if (parsed !== undefined) return 'error' in parsed ? fail(ctx, value, parsed.error) : parsed.ref;
    if (value === ':memory:' || value === 'sqlite::memory:') return ':memory:';
    if (value.startsWith('sqlite:')) return new ConfigPath(value.slice('sqlite:'.length), 'sqlite:');
    if (/^postgres(ql)?:\/\//.test(value)) {
      if (!URL.canParse(value))
        return fail(ctx, value, 'expected a postgres:// URL, got a value that is not a URL');
      const url = new URL(value);
      if (url.password !== '' || url.searchParams.has('password'))
        return fail(ctx, value, LITERAL_SECRET_REASON);
      return value;
    }
    return fail(ctx, value, 'expected postgres://..., postgresql://..., sqlite:PATH, env:NAME or file:PATH');
  });

export const timeZone = () =>
  z.string().refine(isTimeZone, 'expected an IANA time zone such as America/New_York');

// Intl also accepts offsets such as "+05:00", which do not follow daylight saving time.
function isTimeZone(value: string): boolean {
  if (!/^[A-Za-z]/.test(value)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const E164 = /^\+[1-9]\d{1,14}$/;

export const phone = () =>
  z
    .string()
    .refine(
      (value) => E164.test(value) && isValidPhoneNumber(value),
      'expected a valid phone number in E.164 form, e.g. +16175550100',
    );

export const port = () => z.number().int().min(0).max(65_535);

// What a browser sends in Origin (RFC 6454): scheme, host and port, no path.
export const origin = () =>
  z
    .string()
    .refine(
      (value) =>
        URL.canParse(value) &&
        /^https?:$/.test(new URL(value).protocol) &&
        new URL(value).href === `${new URL(value).origin}/`,
      'expected an origin: http(s)://host[:port] with no path, e.g. http://localhost:6274',
    )
    .transform((value) => new URL(value).origin);

export const positiveInt = () => z.number().int().min(1);

// FHIR Coding.system is a URI (FHIR R4 datatypes 2.24.0.1): a scheme, then anything.
export const codingSystem = () =>
  z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/, 'expected a URI such as urn:oid:1.2.3 or http://loinc.org');

export const clockTime = () =>
  z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a 24-hour time such as 08:30');

// Cross-item checks for lists: a duplicate is reported at the later item's key, naming the first.
export function uniqueField<T extends Record<string, unknown>>(field: keyof T & string, label: string) {
  return (items: readonly T[], ctx: RefinementCtx) => {
    const seen = new Map<unknown, number>();
    items.forEach((item, index) => {
      const value = item[field];
      const first = seen.get(value);
      if (first === undefined) seen.set(value, index);
      else {
        ctx.addIssue({
          code: 'custom',
          path: [index, field],
          message: `duplicate ${label} ${JSON.stringify(value)} (first used at index ${first})`,
        });
      }
    });
  };
}

export function uniqueValues(label: string) {
  return (items: readonly string[], ctx: RefinementCtx) => {
    items.forEach((item, index) => {
      if (items.indexOf(item) !== index) {
        ctx.addIssue({
          code: 'custom',
          path: [index],
          message: `${label} ${JSON.stringify(item)} is listed twice`,
        });
      }
    });
  };
}
