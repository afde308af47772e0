// `ehrgate tools`: the tool catalog of one tenant as a platform pastes it into its configuration
// (issue 6 item 3): OpenAI function tools for Chat Completions, Responses and Realtime, or the
// catalog's own descriptors. The list is the one the running gateway serves: the same tool
// runtime is built (no EHR is contacted, nothing listens) and asked `router.list(tenant)`.
import { type OpenAiApi, openAiTools } from '../channels/openai/index.ts';
import { defaultConfig, type EhrgateConfig, loadConfig, type TenantConfig } from '../config/index.ts';
import { EhrgateError } from '../errors.ts';
import { createLogger } from '../server/logger.ts';
import { buildTenantRuntimes } from '../server/tenant-runtime.ts';
import { buildToolRuntime } from '../server/tool-runtime.ts';
import { openStore } from '../store/index.ts';
import type { ToolDescriptor } from '../tools/contract.ts';

export const TOOL_FORMATS = ['openai', 'json'] as const;
export type ToolsOptions = {
  config?: string;
  tenant?: string;
  format: (typeof TOOL_FORMATS)[number];
  api?: OpenAiApi;
};

// Without a file, the built-in sandbox tenant: its tools do not depend on where the sandbox runs.
const PLACEHOLDER_SANDBOX_URL = 'http://127.0.0.1:8090';

export async function loadCliConfig(configPath: string | undefined): Promise<EhrgateConfig> {
  const path = configPath ?? process.env.EHRGATE_CONFIG;
  return path ? loadConfig({ path }) : defaultConfig({ sandboxUrl: PLACEHOLDER_SANDBOX_URL });
}

/** `--tenant`, else the configuration's only tenant. */
export function pickTenant(config: EhrgateConfig, tenantId: string | undefined): TenantConfig {
  if (tenantId === undefined) {
    if (config.tenants.length === 1) return config.tenants[0]!;
    throw new EhrgateError(
      'ERR_CONFIG_INVALID',
      `--tenant is required: the configuration has tenants ${config.tenants.map((t) => t.id).join(', ')}`,
    );
  }
  const tenant = config.tenants.find((t) => t.id === tenantId);
  if (tenant === undefined) {
    throw new EhrgateError(
      'ERR_CONFIG_INVALID',
      `--tenant: no tenant "${tenantId}" (have ${config.tenants.map((t) => t.id).join(', ')})`,
    );
  }
  return tenant;
}

export async function listTenantTools(
  config: EhrgateConfig,
  tenantId: string,
): Promise<readonly ToolDescriptor[]> {
  const store = await openStore({ url: ':memory:' });
  const tenants = buildTenantRuntimes(
    { ...config, tenants: config.tenants.filter((t) => t.id === tenantId) },
    { logger: createLogger({ level: 'silent' }) },
  );
  // A throwaway secret: listing signs nothing, and a missing EHRGATE_TOOL_SECRET is not this command's business.
  const runtime = buildToolRuntime({ store, tenants, env: { EHRGATE_TOOL_SECRET: 'x'.repeat(32) } });
  try {
    return runtime.router.list(tenantId);
  } finally {
    await runtime.close();
    for (const tenant of tenants) await tenant.close();
    await store.close();
  }
}

export async function toolsCommand(options: ToolsOptions): Promise<void> {
  const config = await loadCliConfig(options.config);
  const tenant = pickTenant(config, options.tenant);
  const tools = await listTenantTools(config, tenant.id);
  let printed: unknown;
  if (options.format === 'json') printed = tools;
  else if (options.api !== undefined) printed = openAiTools(tools, options.api);
  else {
    printed = {
      chat: openAiTools(tools, 'chat'),
      responses: openAiTools(tools, 'responses'),
      realtime: openAiTools(tools, 'realtime'),
    };
  }
  process.stdout.write(`${JSON.stringify(printed, null, 2)}\n`);
}
