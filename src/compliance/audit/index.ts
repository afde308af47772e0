export type { AuditAppender, AuditAppenderOptions } from './audit-appender.ts';
export {
  createAuditAppender,
  DEFAULT_AUDIT_APPEND_MAX_ATTEMPTS,
  DEFAULT_AUDIT_BATCH_MAX_RECORDS,
  DEFAULT_AUDIT_BUSY_WINDOW_MS,
} from './audit-appender.ts';
export { auditEhrRequests, type EhrRequestAuditor } from './audit-ehr-requests.ts';
export type { AuditDetail, AuditEntry, AuditOutcome } from './audit-entry.ts';
export { AUDIT_OUTCOMES } from './audit-entry.ts';
export type { AuditCallResolver } from './call-context.ts';
export { currentAuditCallId, holdAnswerFor, runInAuditCall } from './call-context.ts';
export type { HashedAuditRecord } from './canonical-record.ts';
export { auditRecordHash, canonicalJson, GENESIS_HASH } from './canonical-record.ts';
export { ehrRequestAuditEntry, ehrRequestSentAuditEntry } from './ehr-request-entry.ts';
export { exportCallAuditBundle } from './export-call.ts';
export type { AuditChainBreak, AuditChainReport } from './verify-chain.ts';
export { DEFAULT_VERIFY_PAGE_SIZE, verifyAuditChain } from './verify-chain.ts';
