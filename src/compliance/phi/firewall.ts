// The PHI firewall: protect() replaces identifiers in LLM-bound text with per-call tokens,
// reveal() restores them at the tool boundary and for speech, endCall() destroys the vault.
// DESIGN.md promise P7; issue 7 item 1.
import { EhrgateError } from '../../errors.ts';
import { type DetectState, detectLong } from './detect.ts';
import type { Cue } from './lib/candidate.ts';
import type { PreparedKnown } from './lib/context.ts';
import { randomIntBetween } from './lib/random-ids.ts';
import { prepareKnown } from './recognizers/known.ts';
import type { KnownValues, PhiPolicy, PhiSpan, PhiType } from './types.ts';
import { CallVault, TOKEN_PATTERN, type TokenIssuer } from './vault.ts';

export const DEFAULT_PHI_POLICY: PhiPolicy = 'standard';
// token numbers are drawn from [1, TOKEN_ID_SPACE); six digits keep tokens short for the LLM
export const TOKEN_ID_SPACE = 1_000_000;

export type PhiFirewallOptions = {
  policy?: PhiPolicy;
  // injectable for tests: the clock that resolves "next Tuesday", and the random source of ids
  now?: () => Date;
  randomId?: (maxExclusive: number) => number;
};

export type ProtectResult = { text: string; spans: Array<PhiSpan & { token: string }> };

export type ProtectOptions = {
  /**
   * The text is not a turn of the conversation (a tool's answer, say): a cue at its end ("your
   * date of birth?") does not make the next text's first date a birth date, and a cue the last
   * utterance ended on does not reach into it. Default false.
   */
  standalone?: boolean;
};

export type RevealOptions = {
  // 'reject' (default): a token this call never issued throws ERR_PHI_TOKEN_UNKNOWN;
  // 'keep': it stays as it is (speech of text that is not PHI)
  unknownTokens?: 'reject' | 'keep';
};

type CallState = { vault: CallVault; known?: PreparedKnown; carriedCue?: Cue };

export type PhiFirewall = {
  readonly policy: PhiPolicy;
  protect(callId: string, text: string, options?: ProtectOptions): ProtectResult;
  reveal<T>(callId: string, value: T, options?: RevealOptions): T;
  rememberKnown(callId: string, values: KnownValues): void;
  endCall(callId: string): void;
  openCalls(): number;
};

export function createPhiFirewall(options: PhiFirewallOptions = {}): PhiFirewall {
  const policy = options.policy ?? DEFAULT_PHI_POLICY;
  if (policy !== 'standard' && policy !== 'strict') {
    throw new EhrgateError('ERR_INVALID_INPUT', `unknown PHI policy "${String(policy)}"`);
  }
  const now = options.now ?? (() => new Date());
  const randomId = options.randomId ?? ((max: number) => randomIntBetween(1, max));
  const calls = new Map<string, CallState>();
  const live = new Set<string>();
  const issuer: TokenIssuer = {
    next(type: PhiType) {
      for (;;) {
        const token = `[${type}_${randomId(TOKEN_ID_SPACE)}]`;
        if (!live.has(token)) {
          live.add(token);
          return token;
        }
      }
    },
    release(token: string) {
      live.delete(token);
    },
  };
  const state = (callId: string): CallState => {
    let s = calls.get(callId);
    if (!s) {
      s = { vault: new CallVault(issuer) };
      calls.set(callId, s);
    }
    return s;
  };
  const inClear = (type: PhiType) => policy === 'standard' && type === 'DATE';

  const revealText = (s: CallState | undefined, text: string, mode: 'reject' | 'keep'): string =>
    text.replace(TOKEN_PATTERN, (token) => {
      const value = s?.vault.valueOf(token);
      if (value !== undefined) return value;
      if (mode === 'keep') return token;
      throw new EhrgateError('ERR_PHI_TOKEN_UNKNOWN', 'a PHI token that this call never issued');
    });

  const revealDeep = (
    s: CallState | undefined,
    value: unknown,
    mode: 'reject' | 'keep',
    depth: number,
  ): unknown => {
    if (depth > 64) throw new EhrgateError('ERR_INVALID_INPUT', 'tool arguments nest too deeply');
    if (typeof value === 'string') return revealText(s, value, mode);
    if (Array.isArray(value)) return value.map((v) => revealDeep(s, v, mode, depth + 1));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = revealDeep(s, v, mode, depth + 1);
      return out;
    }
    return value;
  };

  return Object.freeze({
    policy,
    protect(callId: string, text: string, protectOptions: ProtectOptions = {}): ProtectResult {
      if (typeof text !== 'string') throw new EhrgateError('ERR_INVALID_INPUT', 'protect() takes a string');
      const s = state(callId);
      // tokens already in the text (an earlier protect, or a forged one) are left as they are
      const shielded = text.includes('[') ? text.replace(TOKEN_PATTERN, (t) => ' '.repeat(t.length)) : text;
      const standalone = protectOptions.standalone === true;
      const detectState: DetectState = {
        known: s.known,
        carriedCue: standalone ? undefined : s.carriedCue,
        now: now(),
      };
      const found = detectLong(shielded, detectState);
      if (!standalone) s.carriedCue = found.carriedCue;
      const spans: ProtectResult['spans'] = [];
      let out = '';
      let cursor = 0;
      for (const span of found.spans) {
        if (inClear(span.type)) continue;
        const token = s.vault.tokenFor(span.type, text.slice(span.start, span.end));
        out += text.slice(cursor, span.start) + token;
        cursor = span.end;
        spans.push({ type: span.type, start: span.start, end: span.end, source: span.source, token });
      }
      return { text: cursor === 0 ? text : out + text.slice(cursor), spans };
    },
    reveal<T>(callId: string, value: T, revealOptions: RevealOptions = {}): T {
      return revealDeep(calls.get(callId), value, revealOptions.unknownTokens ?? 'reject', 0) as T;
    },
    rememberKnown(callId: string, values: KnownValues): void {
      const s = state(callId);
      s.known = prepareKnown(values, s.known);
    },
    endCall(callId: string): void {
      const s = calls.get(callId);
      if (!s) return;
      s.vault.destroy();
      s.known = undefined;
      calls.delete(callId);
    },
    openCalls(): number {
      return calls.size;
    },
  });
}
