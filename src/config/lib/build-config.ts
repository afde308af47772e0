import { join, resolve } from 'node:path';
import { ConfigError } from '../config-error.ts';
import { configFileSchema } from '../schema.ts';
import type { ConfigSource, EhrgateConfig } from '../types.ts';
import { deepFreeze } from './deep-freeze.ts';
import { configErrorMap, problemsFromIssues } from './format-issues.ts';
import { type LocatedProblem, type ResolveContext, resolveReferences, SecretRef } from './references.ts';

// The store's embedded default file name (src/store/open-store.ts uses the same).
export const DEFAULT_SQLITE_FILE = 'ehrgate.sqlite';

export type BuildContext = ResolveContext & {
  readonly source: ConfigSource;
  // When set, the SQLite default is made explicit under this directory.
  readonly dataDir?: string;
};

// Shared by loadConfig and defaultConfig, so the built-in default passes the very same checks as
// a file: schema, then secret and path resolution, then freezing.
export function buildConfig(document: unknown, context: BuildContext): EhrgateConfig {
  const file = context.source.kind === 'file' ? context.source.path : undefined;
  const parsed = configFileSchema.safeParse(document, { error: configErrorMap });
  if (!parsed.success) {
    throw ConfigError.fromProblems('ERR_CONFIG_INVALID', problemsFromIssues(parsed.error.issues), file);
  }

  const problems: LocatedProblem[] = [];
  const { store, ...rest } = parsed.data;
  const resolved = resolveReferences(rest, context, problems) as Omit<EhrgateConfig, 'store' | 'source'>;
  const storeUrl = resolveStoreUrl(store.url, context, problems);
  if (problems.length > 0) {
    throw ConfigError.fromProblems(
      problems[0].code,
      problems.map(({ path, reason }) => ({ path, reason })),
      file,
    );
  }
  const threading = store.sqliteThreading === undefined ? {} : { sqliteThreading: store.sqliteThreading };
  return deepFreeze({ ...resolved, store: { url: storeUrl, ...threading }, source: context.source });
}

const STORE_URL = /^(postgres(ql)?:\/\/|sqlite:)|^:memory:$/;

function resolveStoreUrl(
  written: unknown,
  context: BuildContext,
  problems: LocatedProblem[],
): string | undefined {
  if (written === undefined) {
    const fromEnv = context.env.DATABASE_URL;
    if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
    return context.dataDir === undefined
      ? undefined
      : `sqlite:${join(resolve(context.dataDir), DEFAULT_SQLITE_FILE)}`;
  }
  const before = problems.length;
  const value = resolveReferences(written, context, problems, ['store', 'url']);
  if (typeof value !== 'string' || problems.length > before) return undefined;
  if (written instanceof SecretRef && !STORE_URL.test(value)) {
    problems.push({
      code: 'ERR_CONFIG_INVALID',
      path: 'store.url',
      reason: `${written.source}:${written.name} does not hold a postgres://, postgresql:// or sqlite: URL`,
    });
    return undefined;
  }
  return value;
}
