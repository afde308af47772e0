export type { DataFlow, DataFlowStatus, SubprocessorRole } from './data-flows.ts';
export { assertPhiFlow, dataFlowsOf, ROLE_RECEIVES } from './data-flows.ts';
