// The open MCP sessions of this gateway process. The streamable HTTP transport keeps a session's
// state in memory (@modelcontextprotocol/sdk server/streamableHttp.d.ts, "stateful mode"), so a
// deployment of several gateway processes routes a session's requests to the process that opened
// it (sticky on the Mcp-Session-Id header). Each session belongs to the tenant whose credential
// opened it; an idle session is closed, and a tenant may hold only so many at once, so neither a
// client that never says goodbye nor one tenant's flood can exhaust the process.
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

/** A phone call lasts minutes; a session quiet for this long has been abandoned. */
export const DEFAULT_MCP_SESSION_IDLE_MS = 30 * 60_000;
/** Concurrent calls of one tenant on one process, with room to spare. */
export const DEFAULT_MAX_MCP_SESSIONS_PER_TENANT = 1_000;

export type McpSession = {
  readonly id: string;
  readonly tenantId: string;
  readonly server: Server;
  readonly transport: StreamableHTTPServerTransport;
  lastSeenMs: number;
};

export type McpSessionsOptions = {
  readonly idleMs?: number;
  readonly maxPerTenant?: number;
  readonly now?: () => number;
};

export type McpSessions = {
  /** The session, only when it belongs to `tenantId`; otherwise as if it did not exist. */
  get(id: string, tenantId: string): McpSession | undefined;
  add(session: McpSession): void;
  /** Forgets the session and closes its server (and with it the transport). */
  close(id: string): Promise<void>;
  hasRoomFor(tenantId: string): boolean;
  /** Closes sessions idle for longer than idleMs; returns how many. */
  sweep(): Promise<number>;
  closeAll(): Promise<void>;
  readonly size: number;
};

export function createMcpSessions(options: McpSessionsOptions = {}): McpSessions {
  const idleMs = options.idleMs ?? DEFAULT_MCP_SESSION_IDLE_MS;
  const maxPerTenant = options.maxPerTenant ?? DEFAULT_MAX_MCP_SESSIONS_PER_TENANT;
  const now = options.now ?? Date.now;
  const sessions = new Map<string, McpSession>();
  const perTenant = new Map<string, number>();

  const forget = (id: string): McpSession | undefined => {
    const session = sessions.get(id);
    if (session === undefined) return undefined;
    sessions.delete(id);
    const count = (perTenant.get(session.tenantId) ?? 1) - 1;
    if (count <= 0) perTenant.delete(session.tenantId);
    else perTenant.set(session.tenantId, count);
    return session;
  };
  const close = async (id: string) => {
    const session = forget(id);
    // The SDK's close callbacks come back here; forget() already made that a no-op.
    if (session) await session.server.close().catch(() => {});
  };

  return {
    get(id, tenantId) {
      const session = sessions.get(id);
      if (session === undefined || session.tenantId !== tenantId) return undefined;
      session.lastSeenMs = now();
      return session;
    },
    add(session) {
      sessions.set(session.id, session);
      perTenant.set(session.tenantId, (perTenant.get(session.tenantId) ?? 0) + 1);
    },
    close,
    hasRoomFor: (tenantId) => (perTenant.get(tenantId) ?? 0) < maxPerTenant,
    async sweep() {
      const cutoff = now() - idleMs;
      const idle = [...sessions.values()].filter((session) => session.lastSeenMs < cutoff);
      await Promise.all(idle.map((session) => close(session.id)));
      return idle.length;
    },
    async closeAll() {
      await Promise.all([...sessions.keys()].map(close));
    },
    get size() {
      return sessions.size;
    },
  };
}
