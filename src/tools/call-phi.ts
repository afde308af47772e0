// The PHI firewall for text that does not pass through a tool (issue 7 item 1): the voice
// platform's transcript on its way to the LLM (protect), and the LLM's reply on its way to
// text-to-speech (reveal). Both belong to a call's session, so the vault dies when the call ends
// or idles out, and a call id of another tenant is refused as the tools refuse it. Reveal names
// the vendor that will receive the clear text: PHI goes only to a subprocessor with a BAA (P7),
// and the flow, or its refusal, is audited with the identifier types and a content hash (P8).
import { createHash } from 'node:crypto';
import type { ProtectResult } from '../compliance/phi/index.ts';
import { TOKEN_PATTERN } from '../compliance/phi/vault.ts';
import { assertPhiFlow } from '../compliance/subprocessors/index.ts';
import { EhrgateError, isEhrgateError } from '../errors.ts';
import type { ChannelName } from './contract.ts';
import { revealText } from './lib/phi-boundary.ts';
import type { SharedVault } from './lib/shared-vault.ts';
import type { CallSessions } from './session.ts';
import type { TenantTools } from './tool.ts';

/** Longest text protected or revealed in one request: a transcript turn, not a document. */
export const MAX_PHI_TEXT_CHARS = 1_000_000;

/** One PHI flow, for the audit chain: never the text, never a value. */
export type PhiFlowRecord = {
  readonly tenantId: string;
  readonly storeCallId: string;
  readonly channel: ChannelName;
  readonly vendor: string;
  readonly role?: string;
  readonly purpose: 'speech';
  readonly types: readonly string[];
  /** SHA-256 of the text sent, so a disclosure can be matched later without keeping it. */
  readonly contentHash: string;
  readonly refused?: string;
};

export type CallPhiOptions = {
  readonly tenants: ReadonlyMap<string, TenantTools>;
  readonly sessions: CallSessions;
  /** Awaited before the answer: the flow's audit record is durable first. */
  readonly onFlow?: (record: PhiFlowRecord) => Promise<unknown>;
  /** Tokens shared with the deployment's other processes (lib/shared-vault.ts). */
  readonly sharedVault?: SharedVault;
};

/** Refusals in the channels' vocabulary (channels/lib/channel-errors.ts), as the tools answer them. */
export type CallPhiRefusal = {
  readonly ok: false;
  readonly code: 'invalid_arguments' | 'call_belongs_to_another_tenant' | 'phi_flow_refused';
  readonly message: string;
};

export type CallPhi = {
  protect(request: PhiRequest): Promise<({ readonly ok: true } & ProtectResult) | CallPhiRefusal>;
  /** The text with this call's tokens restored, for `vendor`: refused unless it has a BAA. */
  reveal(
    request: PhiRequest & { readonly vendor: string },
  ): Promise<{ readonly ok: true; readonly text: string } | CallPhiRefusal>;
};

type PhiRequest = {
  readonly tenantId: string;
  readonly callId: string;
  readonly channel: ChannelName;
  readonly text: string;
};

const refuse = (code: CallPhiRefusal['code'], message: string): CallPhiRefusal => ({
  ok: false,
  code,
  message,
});

export function createCallPhi(options: CallPhiOptions): CallPhi {
  async function open(request: PhiRequest) {
    const tools = options.tenants.get(request.tenantId);
    if (!tools?.phi) throw new EhrgateError('ERR_STARTUP', `tenant ${request.tenantId} has no PHI firewall`);
    if (typeof request.text !== 'string') return refuse('invalid_arguments', 'text: expected a string');
    if (request.text.length > MAX_PHI_TEXT_CHARS) {
      return refuse('invalid_arguments', `text: longer than ${MAX_PHI_TEXT_CHARS} characters`);
    }
    const session = await options.sessions.open(request);
    if (session === 'other-tenant') {
      return refuse('call_belongs_to_another_tenant', `call ${request.callId} belongs to another tenant`);
    }
    return { ok: true as const, tools, firewall: tools.phi, session };
  }

  return Object.freeze({
    async protect(request: PhiRequest) {
      const opened = await open(request);
      if (!opened.ok) return opened;
      const result = opened.firewall.protect(request.callId, request.text);
      await options.sharedVault?.save(
        request.tenantId,
        request.callId,
        result.spans.map((span) => ({ token: span.token, value: request.text.slice(span.start, span.end) })),
      );
      return { ok: true as const, ...result };
    },

    async reveal(request: PhiRequest & { readonly vendor: string }) {
      const opened = await open(request);
      if (!opened.ok) return opened;
      const { tools, firewall, session } = opened;
      const types = [...request.text.matchAll(TOKEN_PATTERN)].map((m) => m[1] as string);
      const flow = {
        tenantId: request.tenantId,
        storeCallId: session.storeCallId,
        channel: request.channel,
        vendor: request.vendor,
        purpose: 'speech' as const,
        types,
      };
      let role: string;
      try {
        role = assertPhiFlow(tools.tenant, request.vendor).role;
      } catch (error) {
        if (!isEhrgateError(error, 'ERR_PHI_FLOW_REFUSED')) throw error;
        // Refused before anything was restored: the hash is of the tokenised text.
        await options.onFlow?.({ ...flow, contentHash: sha256(request.text), refused: error.message });
        return refuse('phi_flow_refused', error.message);
      }
      let text = revealText(firewall, request.callId, request.text);
      if (text === undefined && options.sharedVault) {
        // Tokens another process of this deployment issued in this call.
        const shared = await options.sharedVault.load(request.tenantId, request.callId);
        text = revealText(firewall, request.callId, request.text, shared);
      }
      if (text === undefined)
        return refuse('invalid_arguments', 'text: holds a PHI token this call never issued');
      if (types.length > 0) await options.onFlow?.({ ...flow, role, contentHash: sha256(text) });
      return { ok: true as const, text };
    },
  });
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
