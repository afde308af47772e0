import { createRequire } from 'node:module';
import type { RunningGateway } from '../server/start-gateway.ts';
import { startGateway } from '../server/start-gateway.ts';

export type ServeOptions = {
  config?: string;
  port?: number;
  sandboxPort?: number;
  host?: string;
  dataDir?: string;
};

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

export async function serve(options: ServeOptions): Promise<void> {
  const gateway = await startGateway({
    configPath: options.config,
    port: options.port,
    sandboxPort: options.sandboxPort,
    host: options.host,
    dataDir: options.dataDir,
  });
  process.stderr.write(banner(gateway));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    gateway.app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    await gateway.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

function banner(gateway: RunningGateway): string {
  const lines = [
    '',
    `ehrgate ${version} is ready`,
    `  gateway       ${gateway.url}`,
    `  health        ${gateway.url}/healthz   readiness ${gateway.url}/readyz`,
    `  store         ${gateway.store.describe()}`,
  ];
  if (gateway.sandboxUrl)
    lines.push(`  sandbox EHR   ${gateway.sandboxUrl}  (embedded, synthetic data only)`);
  lines.push(`  JWK Set URL   ${gateway.url}/.well-known/jwks.json`);
  if (gateway.devKey) {
    // The built-in configuration only: the sandbox tenant's key for the HTTP channel and MCP. A
    // key the operator chose stays out of the terminal (and whatever collects its output).
    lines.push(
      gateway.devKey.source === 'env'
        ? '  dev API key   from EHRGATE_DEV_KEY'
        : `  dev API key   ${gateway.devKey.key}  (generated; set EHRGATE_DEV_KEY to keep one)`,
    );
    lines.push('                send as Authorization: Bearer <key> on /v1, /openai and /mcp');
  }
  for (const tenant of gateway.config.tenants) {
    lines.push(`  tenant        ${tenant.id}: ${tenant.ehr.vendor} at ${tenant.ehr.baseUrl}`);
    const auth = gateway.authReport.find((report) => report.tenant === tenant.id);
    if (!auth) continue;
    if (auth.ok) lines.push(`                ${auth.detail}; every enabled workflow is authorized`);
    else if (auth.blocked.length === 0) lines.push(`                NOT READY: ${auth.detail}`);
    for (const { workflow, missing } of auth.blocked) {
      lines.push(`                NOT AUTHORIZED: ${workflow} (ask the EHR team for ${missing.join(' ')})`);
    }
  }
  lines.push('  stop with Ctrl-C', '');
  return `${lines.join('\n')}\n`;
}
