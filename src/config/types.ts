import type { ConfigPath, SecretRef } from './lib/references.ts';
import type { ConfigFileOutput } from './schema.ts';

// The loaded configuration: the file's shape with defaults applied, every secret reference
// replaced by its value and every path made absolute, deeply frozen. Derived from the schema so
// the two cannot drift apart.
type Resolved<T> = T extends SecretRef | ConfigPath
  ? string
  : T extends readonly (infer Item)[]
    ? readonly Resolved<Item>[]
    : T extends object
      ? { readonly [Key in keyof T]: Resolved<T[Key]> }
      : T;

export type ConfigSource = { readonly kind: 'file'; readonly path: string } | { readonly kind: 'default' };

export type EhrgateConfig = Resolved<Omit<ConfigFileOutput, 'store'>> & {
  // postgres://... or sqlite:/absolute/path or :memory:; undefined means the store's own default
  // (SQLite under ./data, DESIGN.md section 7). DATABASE_URL fills it when the file does not.
  readonly store: { readonly url: string | undefined; readonly sqliteThreading?: 'inline' | 'worker' };
  // Where the configuration came from, for `ehrgate doctor` and start-up logs.
  readonly source: ConfigSource;
};

export type TenantConfig = EhrgateConfig['tenants'][number];
export type EhrConfig = TenantConfig['ehr'];
export type EhrAuthConfig = EhrConfig['auth'];
export type SchedulingConfig = NonNullable<TenantConfig['scheduling']>;
export type VisitTypeConfig = SchedulingConfig['visitTypes'][number];
export type MappingConfig = NonNullable<TenantConfig['mapping']>;
export type RoutingRule = NonNullable<TenantConfig['routing']>[number];
export type ChannelsConfig = NonNullable<TenantConfig['channels']>;
export type SubprocessorConfig = TenantConfig['subprocessors'][number];
export type Vendor = EhrConfig['vendor'];
export type Workflow = TenantConfig['workflows'][number];
