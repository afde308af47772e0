// `ehrgate mcp`: MCP over stdio (MCP 2025-11-25, basic/transports, stdio) for a client that
// spawns ehrgate itself. The whole gateway starts as for `serve` (store, tenant auth, the tool
// runtime, the outbox worker, the embedded sandbox without a configuration file), listening on
// an ephemeral loopback port only because the sandbox EHR fetches the gateway's JWK Set from it.
// stdout carries nothing but MCP messages: logs go to stderr.
import { randomUUID } from 'node:crypto';
import { EHRGATE_VERSION } from '../channels/lib/version.ts';
import { serveMcpOverStdio } from '../channels/mcp/index.ts';
import { createLogger } from '../server/logger.ts';
import { startGateway } from '../server/start-gateway.ts';
import { pickTenant } from './tools.ts';

export type McpCommandOptions = {
  config?: string;
  tenant?: string;
  callId?: string;
  dataDir?: string;
  sandboxPort?: number;
};

export async function mcpCommand(options: McpCommandOptions): Promise<void> {
  const logger = createLogger({ destination: process.stderr });
  const gateway = await startGateway({
    configPath: options.config,
    port: 0,
    host: '127.0.0.1',
    sandboxPort: options.sandboxPort ?? 0,
    dataDir: options.dataDir,
    logger,
  });
  let tenantId: string;
  try {
    tenantId = pickTenant(gateway.config, options.tenant).id;
  } catch (error) {
    await gateway.close();
    throw error;
  }
  const callId = options.callId ?? `mcp-stdio-${randomUUID()}`;
  const served = await serveMcpOverStdio({
    router: gateway.router,
    tenantId,
    callId,
    version: EHRGATE_VERSION,
  });
  logger.info({ tenant: tenantId }, 'MCP over stdio: ready');

  const stop = async () => {
    await served.close();
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  await served.closed;
  await gateway.router.settled();
  await gateway.close();
  process.exit(0);
}
