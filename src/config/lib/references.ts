import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { ConfigErrorCode, ConfigProblem } from '../config-error.ts';
import { formatKeyPath } from './key-path.ts';

// Secrets never sit in the configuration file (DESIGN.md section 6): a secret field holds
// `env:NAME` or `file:PATH` and the value is looked up once, at load time. The schema turns such
// strings into these markers; `resolveReferences` walks the parsed document and replaces every
// marker by its value, so the schema stays declarative and each lookup knows its key path.

export class SecretRef {
  readonly source: 'env' | 'file';
  readonly name: string;

  constructor(source: 'env' | 'file', name: string) {
    this.source = source;
    this.name = name;
  }
}

// A filesystem path written in the file, resolved against the configuration file's directory
// (not the process's working directory) so a deployment can be started from anywhere.
// `prefix` is kept in front of the resolved path (`sqlite:` for a store URL).
export class ConfigPath {
  readonly value: string;
  readonly prefix: string;

  constructor(value: string, prefix = '') {
    this.value = value;
    this.prefix = prefix;
  }
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type ParsedReference = { ref: SecretRef } | { error: string } | undefined;

// undefined: the value is not written as a reference at all.
export function parseReference(value: string): ParsedReference {
  if (value.startsWith('env:')) {
    const name = value.slice(4);
    return ENV_NAME.test(name)
      ? { ref: new SecretRef('env', name) }
      : { error: 'env: must be followed by an environment variable name, e.g. env:RIVERSIDE_SECRET' };
  }
  if (value.startsWith('file:')) {
    const path = value.slice(5);
    return path.trim() === ''
      ? { error: 'file: must be followed by a path, e.g. file:./secrets/riverside' }
      : { ref: new SecretRef('file', path) };
  }
  return undefined;
}

export type ResolveContext = {
  readonly baseDir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
};

export type LocatedProblem = ConfigProblem & { readonly code: ConfigErrorCode };

export type ResolvedSecret = { value: string } | { problem: string };

export function readSecret(ref: SecretRef, context: ResolveContext): ResolvedSecret {
  if (ref.source === 'env') {
    const value = context.env[ref.name];
    if (value === undefined) return { problem: `environment variable ${ref.name} is not set` };
    if (value.trim() === '') return { problem: `environment variable ${ref.name} is empty` };
    return { value };
  }
  const path = resolvePath(context.baseDir, ref.name);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { problem: `secret file ${path} does not exist` };
    return { problem: `secret file ${path} cannot be read (${code ?? 'unknown error'})` };
  }
  // Files written with `echo secret > file` end in a newline that is not part of the secret.
  const value = text.trim();
  return value === '' ? { problem: `secret file ${path} is empty` } : { value };
}

export function resolvePath(baseDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

// Returns a deep copy of `value` with every SecretRef and ConfigPath replaced by a string. Every
// missing secret is reported, not only the first, so one start-up attempt shows them all.
export function resolveReferences(
  value: unknown,
  context: ResolveContext,
  problems: LocatedProblem[],
  path: readonly PropertyKey[] = [],
): unknown {
  if (value instanceof SecretRef) {
    const secret = readSecret(value, context);
    if ('value' in secret) return secret.value;
    problems.push({ code: 'ERR_CONFIG_SECRET_MISSING', path: formatKeyPath(path), reason: secret.problem });
    return '';
  }
  if (value instanceof ConfigPath) return value.prefix + resolvePath(context.baseDir, value.value);
  if (Array.isArray(value)) {
    return value.map((item, index) => resolveReferences(item, context, problems, [...path, index]));
  }
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) copy[key] = resolveReferences(item, context, problems, [...path, key]);
    }
    return copy;
  }
  return value;
}
