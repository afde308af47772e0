export { ConfigError, type ConfigErrorCode, type ConfigProblem } from './config-error.ts';
export {
  DEFAULT_TENANT_ID,
  type DefaultConfigOptions,
  defaultConfigDocument,
  SANDBOX_CLIENT_ID,
  SANDBOX_VISIT_TYPE_SYSTEM,
} from './default-config.ts';
export { buildConfig, DEFAULT_SQLITE_FILE } from './lib/build-config.ts';
export { defaultConfig, type LoadConfigOptions, loadConfig } from './load-config.ts';
export {
  AUTH_METHODS,
  CONDITION_CATEGORIES,
  type ConfigFileInput,
  configFileSchema,
  DEFAULT_JWT_ALG,
  DEFAULT_SANDBOX_PORT,
  DEFAULT_SERVER_HOST,
  DEFAULT_SERVER_PORT,
  DEFAULT_TIME_ZONE,
  JWT_ALGS,
  MAPPING_TARGETS,
  ROUTING_INTENTS,
  SUBPROCESSOR_ROLES,
  VENDORS,
  WEEKDAYS,
  WORKFLOWS,
} from './schema.ts';
export type {
  ChannelsConfig,
  ConfigSource,
  EhrAuthConfig,
  EhrConfig,
  EhrgateConfig,
  MappingConfig,
  RoutingRule,
  SchedulingConfig,
  SubprocessorConfig,
  TenantConfig,
  Vendor,
  VisitTypeConfig,
  Workflow,
} from './types.ts';
