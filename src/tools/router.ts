// The tool router (src/tools/contract.ts ToolRouter; issue 6 item 2). For each tool call, in
// this order: find the tool (unknown -> protocol error), reveal the PHI tokens in the arguments
// (one this call never issued -> protocol error), validate the arguments (precise
// `arguments.x: ...` line), open the call's session (a platform call id owned by another tenant
// -> protocol error), answer emergency language at once, join or return an earlier run of the
// same tool call (P3), refuse patient-bound tools before find_patient verified someone, then run
// the handler under the deadline and validate its output. The answer is protected for the model
// and handed to the audit chain (onAnswer) before it is returned.
//
// Past the deadline the agent hears an honest "still working" and the handler keeps running; the
// platform's repeat of the call (same toolCallId, or same tool and arguments) joins that run and
// gets the real outcome. Nothing is aborted: an abandoned write is how double bookings happen.
import { hash } from 'node:crypto';
import { didYouMean } from '../config/lib/did-you-mean.ts';
import { EhrgateError, isEhrgateError } from '../errors.ts';
import type { Store } from '../store/index.ts';
import type { CallSummary } from './call-summary.ts';
import { TOOL_CATALOG } from './catalog/index.ts';
import { closeCall } from './close-call.ts';
import type { ToolCallRequest, ToolCallResult, ToolDescriptor, ToolRouter } from './contract.ts';
import { DEFAULT_CRISIS_SAY, DEFAULT_EMERGENCY_SAY, detectEmergency } from './emergency.ts';
import { describeTool } from './lib/describe-tool.ts';
import { canonicalJson, parseArguments } from './lib/parse-arguments.ts';
import { protectOutput, revealArguments } from './lib/phi-boundary.ts';
import type { IssuedToken, SharedVault } from './lib/shared-vault.ts';
import { type CallSession, type CallSessions, createCallSessions, type ResultEntry } from './session.ts';
import type { CatalogTool, TenantTools, ToolOutput } from './tool.ts';

/** Longest a caller waits on a tool before hearing "still working" (issue 6 item 2). */
export const DEFAULT_TOOL_DEADLINE_MS = 8_000;
/**
 * How long a read's answer is reused for a repeat without a toolCallId (Retell sends none and
 * retries within seconds); later, the same question asked again reads the EHR again (P4).
 */
export const DEFAULT_READ_REPEAT_WINDOW_MS = 15_000;
export const MAX_CALL_ID_CHARS = 256;
/** A call with no tool call for this long is closed as end_call would close it (issue 6 item 6). */
export const DEFAULT_CALL_IDLE_TIMEOUT_MS = 15 * 60_000;
/** How often idle calls are looked for. */
export const MAX_IDLE_SWEEP_INTERVAL_MS = 60_000;

export const STILL_WORKING_SAY = "I'm still working on that, one moment.";
export const NOT_VERIFIED_SAY =
  "Before I can do that, I need to confirm who I'm speaking with. Could you tell me your full name and date of birth?";

export type ToolRouterOptions = {
  readonly store: Store;
  /** The tools of each tenant the gateway serves, by tenant id. */
  readonly tenants: ReadonlyMap<string, TenantTools>;
  /** Default: the full catalog (catalog/index.ts). */
  readonly catalog?: readonly CatalogTool[];
  readonly deadlineMs?: number;
  readonly readRepeatWindowMs?: number;
  readonly idleTimeoutMs?: number;
  /** Default true: a timer closes idle calls. Tests turn it off and call closeIdleCalls. */
  readonly idleSweep?: boolean;
  /** Epoch milliseconds; default Date.now. */
  readonly now?: () => number;
  /** Unexpected failures (a handler threw, an output failed its schema, an event append failed). Never PHI. */
  readonly onError?: (error: unknown, where: { readonly tenantId?: string; readonly tool?: string }) => void;
  /**
   * Records each answered tool call (P8: the audit chain). The answer waits for the returned
   * promise: what must be durable before the caller hears it (server/tool-runtime.ts).
   */
  readonly onAnswer?: (event: ToolCallRecord) => Promise<unknown>;
  /** PHI tokens shared, through the store, with the deployment's other gateway processes. */
  readonly sharedVault?: SharedVault;
};

/** What the audit learns of one answered tool call: names and codes, never argument values. */
export type ToolCallRecord = {
  readonly tenantId: string;
  readonly callId: string;
  /** The store's call id, once the call's session is open. */
  readonly storeCallId?: string;
  readonly channel: ToolCallRequest['channel'];
  readonly tool: string;
  readonly toolCallId?: string;
  /** The outcome's status, or the protocol error's code. */
  readonly status: string;
  readonly ok: boolean;
  /** Types of the PHI tokens revealed in the arguments (re-identifications), in order. */
  readonly revealed: readonly string[];
  readonly ms: number;
};

export type GatewayToolRouter = ToolRouter & {
  readonly sessions: CallSessions;
  /** Resolves once every tool run started so far has finished (background ones included). */
  settled(): Promise<void>;
  /** Closes calls idle for idleTimeoutMs, as end_call does; returns how many. */
  closeIdleCalls(): Promise<number>;
  /** Stops the idle timer and waits for tool runs still going. */
  close(): Promise<void>;
};

export function createToolRouter(options: ToolRouterOptions): GatewayToolRouter {
  const catalog = options.catalog ?? TOOL_CATALOG;
  const now = options.now ?? Date.now;
  const deadlineMs = positiveInt('deadlineMs', options.deadlineMs, DEFAULT_TOOL_DEADLINE_MS);
  const readRepeatWindowMs = positiveInt(
    'readRepeatWindowMs',
    options.readRepeatWindowMs,
    DEFAULT_READ_REPEAT_WINDOW_MS,
  );
  const idleTimeoutMs = positiveInt('idleTimeoutMs', options.idleTimeoutMs, DEFAULT_CALL_IDLE_TIMEOUT_MS);
  const onError = options.onError ?? (() => {});
  const sessions = createCallSessions({
    store: options.store,
    now,
    onError: (error) => onError(error, {}),
  });
  const running = new Set<Promise<unknown>>();
  const descriptors = new Map<string, readonly ToolDescriptor[]>();

  // A tenant's tools are fixed when its runtime is built: worked out once, not on every call.
  const toolsByTenant = new WeakMap<TenantTools, readonly CatalogTool[]>();
  const toolsOf = (tenant: TenantTools): readonly CatalogTool[] => {
    let tools = toolsByTenant.get(tenant);
    if (tools === undefined) {
      tools = catalog.filter(
        (tool) =>
          (tool.workflow === undefined || tenant.tenant.workflows.includes(tool.workflow)) &&
          tool.available(tenant),
      );
      toolsByTenant.set(tenant, tools);
    }
    return tools;
  };

  function list(tenantId: string): readonly ToolDescriptor[] {
    const cached = descriptors.get(tenantId);
    if (cached) return cached;
    const tenant = options.tenants.get(tenantId);
    if (!tenant) return [];
    const listed = Object.freeze(toolsOf(tenant).map(describeTool));
    descriptors.set(tenantId, listed);
    return listed;
  }

  async function call(request: ToolCallRequest): Promise<ToolCallResult> {
    const tenant = options.tenants.get(request.tenantId);
    if (!tenant) return protocolError('internal_error', `tenant ${request.tenantId} is not served here`);
    const startedAt = now();
    const trace: CallTrace = { revealed: [] };
    const result = await protectAnswer(tenant, request, trace, await answer(tenant, request, trace));
    if (options.onAnswer) {
      await options.onAnswer({
        tenantId: request.tenantId,
        callId: String(request.callId),
        ...(trace.session ? { storeCallId: trace.session.storeCallId } : {}),
        channel: request.channel,
        tool: String(request.name),
        ...(request.toolCallId ? { toolCallId: request.toolCallId } : {}),
        status: result.ok ? String(result.output.status) : result.error.code,
        ok: result.ok,
        revealed: trace.revealed,
        ms: now() - startedAt,
      });
    }
    return result;
  }

  // Everything the model reads of the answer goes through the firewall (P7); the tokens handed
  // out are shared before the answer leaves, so the call's next request may land anywhere.
  async function protectAnswer(
    tenant: TenantTools,
    request: ToolCallRequest,
    trace: CallTrace,
    result: ToolCallResult,
  ): Promise<ToolCallResult> {
    if (!tenant.phi || !result.ok || typeof request.callId !== 'string') return result;
    const issued: IssuedToken[] = [];
    const output = protectOutput(tenant.phi, request.callId, result.output, issued);
    // end_call destroyed the vault before its answer was protected: destroy what that made.
    if (trace.session?.closed) tenant.phi.endCall(request.callId);
    else await options.sharedVault?.save(request.tenantId, request.callId, issued);
    return { ok: true, output, say: String(output.say) };
  }

  async function answer(
    tenant: TenantTools,
    request: ToolCallRequest,
    trace: CallTrace,
  ): Promise<ToolCallResult> {
    const available = toolsOf(tenant);
    const tool = available.find((candidate) => candidate.name === request.name);
    if (!tool) {
      const hint = didYouMean(
        String(request.name),
        available.map((candidate) => candidate.name),
      );
      return protocolError(
        'unknown_tool',
        `unknown tool "${String(request.name)}"${hint === undefined ? '' : `; did you mean "${hint}"?`}`,
      );
    }
    if (
      typeof request.callId !== 'string' ||
      request.callId === '' ||
      request.callId.length > MAX_CALL_ID_CHARS
    ) {
      return protocolError('invalid_arguments', `callId: expected 1 to ${MAX_CALL_ID_CHARS} characters`);
    }
    let args = request.args;
    if (tenant.phi) {
      let revealed = revealArguments(tenant.phi, request.callId, args);
      if (!revealed.ok && options.sharedVault) {
        // Tokens another process of this deployment issued in this call.
        const shared = await options.sharedVault.load(request.tenantId, request.callId);
        revealed = revealArguments(tenant.phi, request.callId, args, shared);
      }
      if (!revealed.ok) return protocolError('invalid_arguments', revealed.message);
      args = revealed.value;
      trace.revealed = revealed.types;
    }
    const parsed = parseArguments(tool.input, args);
    if (!parsed.ok) return protocolError('invalid_arguments', parsed.message);

    const session = await sessions.open({
      tenantId: request.tenantId,
      channel: request.channel,
      callId: request.callId,
    });
    if (session === 'other-tenant') {
      return protocolError(
        'call_belongs_to_another_tenant',
        `call ${request.callId} belongs to another tenant`,
      );
    }
    trace.session = session;

    const emergency = detectEmergency(parsed.raw);
    if (emergency !== undefined) {
      const say = emergency === 'suicidal' ? DEFAULT_CRISIS_SAY : DEFAULT_EMERGENCY_SAY;
      sessions.record(session, 'tool.emergency', { tool: tool.name, kind: emergency });
      session.activity.push({ tool: tool.name, status: 'emergency', at: now() });
      return { ok: true, output: { status: 'emergency', say, kind: emergency }, say };
    }

    const argsHash = sha256(`${tool.name}\u0000${canonicalJson(parsed.value)}`);
    const key =
      request.toolCallId === undefined || request.toolCallId === ''
        ? `args:${argsHash}`
        : `id:${request.toolCallId}`;
    const earlier = session.results.get(key);
    if (earlier && !(earlier.expiresAt !== undefined && earlier.expiresAt <= now())) {
      if (earlier.argsHash !== argsHash) {
        return protocolError(
          'invalid_arguments',
          `toolCallId ${request.toolCallId} was already used for a different tool call`,
        );
      }
      sessions.record(session, 'tool.repeat', { tool: tool.name });
      return withinDeadline(earlier.promise, request.signal);
    }

    if (tool.patientBound && session.patient === undefined) {
      sessions.record(session, 'tool.refused', { tool: tool.name, reason: 'not_verified' });
      const output = { status: 'failed', reason: 'not_verified', say: NOT_VERIFIED_SAY };
      return { ok: true, output, say: NOT_VERIFIED_SAY };
    }

    const idempotencyKey = `tc_${sha256(`${request.tenantId}\u0000${request.callId}\u0000${tool.name}\u0000${key}`).slice(0, 40)}`;
    const entry: ResultEntry = {
      tool: tool.name,
      argsHash,
      promise: run(tool, tenant, session, parsed.value, idempotencyKey, request),
      ...(tool.readOnly && key.startsWith('args:') ? { expiresAt: now() + readRepeatWindowMs } : {}),
    };
    session.results.set(key, entry);
    const tracked = entry.promise.then((result) => {
      entry.settledAt = now();
      // A run that broke (not an outcome) may be tried again by a repeat.
      if (!result.ok && session.results.get(key) === entry) session.results.delete(key);
    });
    running.add(tracked);
    tracked.finally(() => running.delete(tracked));
    return withinDeadline(entry.promise, request.signal);
  }

  function closeSession(session: CallSession, how: 'end_call' | 'idle'): Promise<CallSummary> {
    const tenant = options.tenants.get(session.tenantId);
    if (!tenant) throw new EhrgateError('ERR_STARTUP', `tenant ${session.tenantId} is not served here`);
    const closing = closeCall(
      { store: options.store, sessions, now, waitMs: deadlineMs, tenant: tenant.tenant },
      session,
      how,
    );
    // The call's vault dies with the call: its tokens reveal nothing afterwards.
    const ended = closing.finally(async () => {
      tenant.phi?.endCall(session.callId);
      await options.sharedVault?.forget(session.tenantId, session.callId);
    });
    const tracked = ended.catch((error: unknown) => onError(error, { tenantId: session.tenantId }));
    running.add(tracked);
    tracked.finally(() => running.delete(tracked));
    return ended;
  }

  async function closeIdleCalls(): Promise<number> {
    const idle = sessions.idleSince(now() - idleTimeoutMs);
    const closed = await Promise.allSettled(idle.map((session) => closeSession(session, 'idle')));
    return closed.filter((result) => result.status === 'fulfilled').length;
  }

  const sweep =
    options.idleSweep === false
      ? undefined
      : setInterval(
          () => void closeIdleCalls(),
          Math.min(Math.ceil(idleTimeoutMs / 4), MAX_IDLE_SWEEP_INTERVAL_MS),
        );
  sweep?.unref();

  async function run(
    tool: CatalogTool,
    tenant: TenantTools,
    session: CallSession,
    input: Readonly<Record<string, unknown>>,
    idempotencyKey: string,
    request: ToolCallRequest,
  ): Promise<ToolCallResult> {
    const startedAt = now();
    sessions.record(session, 'tool.call', {
      tool: tool.name,
      ...(request.toolCallId === undefined ? {} : { toolCallId: request.toolCallId }),
    });
    let output: ToolOutput;
    try {
      output = await tool.run(input, {
        tools: tenant,
        session,
        idempotencyKey,
        store: options.store,
        now,
        endCall: () => closeSession(session, 'end_call'),
        rememberPatientFacts: (facts) => tenant.phi?.rememberKnown(session.callId, facts),
      });
    } catch (error) {
      onError(error, { tenantId: session.tenantId, tool: tool.name });
      sessions.record(session, 'tool.error', { tool: tool.name, code: errorCode(error) });
      return protocolError('internal_error', `${tool.name} failed (${errorCode(error)})`);
    }
    const checked = tool.output.safeParse(output);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      const where = ['output', ...(issue?.path.map(String) ?? [])].join('.');
      onError(checked.error, { tenantId: session.tenantId, tool: tool.name });
      sessions.record(session, 'tool.error', { tool: tool.name, code: 'invalid_output' });
      return protocolError('internal_error', `${tool.name} answered outside its schema at ${where}`);
    }
    const valid = checked.data as ToolOutput & Readonly<Record<string, unknown>>;
    const summary = activityOf(valid);
    session.activity.push({ tool: tool.name, ...summary, at: now() });
    session.lastActivityAt = now();
    sessions.record(session, 'tool.result', { tool: tool.name, ...summary, ms: now() - startedAt });
    return { ok: true, output: valid, say: valid.say };
  }

  async function withinDeadline(
    promise: Promise<ToolCallResult>,
    signal?: AbortSignal,
  ): Promise<ToolCallResult> {
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), deadlineMs);
      // The platform gave up on this request (barge-in): answer now, keep working.
      if (signal) {
        onAbort = () => resolve('late');
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      }
    });
    try {
      const result = await Promise.race([promise, late]);
      return result === 'late'
        ? { ok: true, output: { status: 'pending', say: STILL_WORKING_SAY }, say: STILL_WORKING_SAY }
        : result;
    } finally {
      clearTimeout(timer);
      if (signal && onAbort) signal.removeEventListener('abort', onAbort);
    }
  }

  return Object.freeze({
    list,
    call,
    sessions,
    async settled() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    closeIdleCalls,
    async close() {
      if (sweep) clearInterval(sweep);
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  });
}

type CallTrace = { revealed: readonly string[]; session?: CallSession };

function activityOf(output: Readonly<Record<string, unknown>>): {
  status: string;
  reason?: string;
  workItemId?: string;
  outboxId?: string;
} {
  const pick = (name: string) => (typeof output[name] === 'string' ? { [name]: output[name] as string } : {});
  return { status: String(output.status), ...pick('reason'), ...pick('workItemId'), ...pick('outboxId') };
}

function protocolError(
  code: Extract<ToolCallResult, { ok: false }>['error']['code'],
  message: string,
): ToolCallResult {
  return { ok: false, error: { code, message } };
}

function errorCode(error: unknown): string {
  return isEhrgateError(error) ? error.code : 'unexpected';
}

function sha256(text: string): string {
  return hash('sha256', text, 'base64url');
}

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  const chosen = value ?? fallback;
  if (!Number.isInteger(chosen) || chosen < 1) {
    throw new EhrgateError(
      'ERR_CONFIG_INVALID',
      `createToolRouter: ${name} must be a positive integer of milliseconds`,
    );
  }
  return chosen;
}
