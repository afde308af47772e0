// Tool arguments arrive as an object (MCP, Retell, HTTP) or a JSON string (Vapi, OpenAI
// `function_call.arguments`). Normalised once here, at the router's edge (STYLE.md rule 5), into
// the tool's parsed input or one precise line naming the field: `arguments.visitType: required`.
import type { z } from 'zod';
import { canonicalJson } from '../../lib/canonical-json.ts';
import { valueAt } from '../../lib/value-at.ts';

export type ParsedArguments =
  | { readonly ok: true; readonly value: Readonly<Record<string, unknown>>; readonly raw: unknown }
  | { readonly ok: false; readonly message: string };

/** Longest arguments accepted, as JSON text: tool inputs are a few short fields. */
export const MAX_ARGUMENTS_CHARS = 16_384;

export function rawArguments(args: unknown): { ok: true; value: unknown } | { ok: false; message: string } {
  if (args === undefined || args === null || args === '') return { ok: true, value: {} };
  if (typeof args === 'string') {
    if (args.length > MAX_ARGUMENTS_CHARS) {
      return { ok: false, message: `arguments: longer than ${MAX_ARGUMENTS_CHARS} characters` };
    }
    try {
      return { ok: true, value: JSON.parse(args) };
    } catch {
      return { ok: false, message: 'arguments: not valid JSON' };
    }
  }
  return { ok: true, value: args };
}

export function parseArguments(
  schema: z.ZodType<Readonly<Record<string, unknown>>>,
  args: unknown,
): ParsedArguments {
  const raw = rawArguments(args);
  if (!raw.ok) return raw;
  if (typeof raw.value !== 'object' || Array.isArray(raw.value)) {
    return { ok: false, message: 'arguments: expected an object' };
  }
  if (JSON.stringify(raw.value).length > MAX_ARGUMENTS_CHARS) {
    return { ok: false, message: `arguments: longer than ${MAX_ARGUMENTS_CHARS} characters` };
  }
  const parsed = schema.safeParse(raw.value);
  if (parsed.success) return { ok: true, value: parsed.data, raw: raw.value };
  return { ok: false, message: parsed.error.issues.map((issue) => issueLine(issue, raw.value)).join('; ') };
}

function issueLine(issue: z.core.$ZodIssue, args: unknown): string {
  const path = ['arguments', ...issue.path.map(String)].join('.');
  if (issue.code === 'invalid_type') {
    // Read from the arguments themselves: zod 4 leaves `issue.input` out unless asked to keep
    // it, and a model told "required" about a field it did send tends to send it again.
    const given = valueAt(args, issue.path);
    return given === undefined
      ? `${path}: required`
      : `${path}: expected ${issue.expected}, got ${kindOf(given)}`;
  }
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${path}.${key}: not a field of this tool`).join('; ');
  }
  return `${path}: ${issue.message}`;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

export { canonicalJson };
