export type {
  PhiFirewall,
  PhiFirewallOptions,
  ProtectOptions,
  ProtectResult,
  RevealOptions,
} from './firewall.ts';
export { createPhiFirewall, DEFAULT_PHI_POLICY } from './firewall.ts';
export { createRevealStream } from './reveal-stream.ts';
export type { KnownValues, PhiPolicy, PhiSpan, PhiType } from './types.ts';
export { PHI_TYPES } from './types.ts';
