// insuranceHandlers(): the outbox worker's handler for `coverage.create` rows (outbox/job.ts).
// One more verified attempt of the Coverage the call built and stored in the row's payload:
// search first (the inline attempt may have written it), send once, read back.
import type { CoverageAdapter } from '../../ehr/index.ts';
import { EhrgateError } from '../../errors.ts';
import { reasonInWords, recordJobHandler } from '../lib/verified-record-write.ts';
import type { OutboxHandlers } from '../outbox/job.ts';
import { DEFAULT_STAFF_QUEUE } from '../outbox/work-item-draft.ts';
import { coverageSteps } from './coverage-steps.ts';
import { COVERAGE_CREATE_KIND, type CoveragePayload } from './record-insurance.ts';

export type InsuranceHandlersOptions = {
  /** The tenant's coverage adapter; undefined for a tenant this process does not serve. */
  readonly coverageAdapterFor: (tenantId: string) => CoverageAdapter | undefined;
};

export function insuranceHandlers(options: InsuranceHandlersOptions): OutboxHandlers {
  const handler = recordJobHandler((job, signal) => {
    const payload = job.payload as CoveragePayload & { staffQueue?: string };
    const adapter = options.coverageAdapterFor(job.tenantId);
    if (adapter === undefined || payload?.coverage === undefined || typeof payload.patientId !== 'string') {
      throw new EhrgateError(
        'ERR_CONFIG_INVALID',
        `no coverage writer for tenant ${job.tenantId} or no Coverage in the row`,
      );
    }
    const queue = typeof payload.staffQueue === 'string' ? payload.staffQueue : DEFAULT_STAFF_QUEUE;
    return {
      steps: coverageSteps(
        adapter,
        { coverage: payload.coverage, patientId: payload.patientId, idempotencyKey: job.idempotencyKey },
        signal,
      ),
      workItem: (reason, note) => ({
        kind: COVERAGE_CREATE_KIND,
        queue,
        reason: reasonInWords(reason, note.error),
        reasonCode: reason,
        instructions:
          `Enter the insurance of patient ${payload.patientId} in the EHR from the data below ` +
          `(${payload.payer?.name ?? payload.payerSaid}, member id ${payload.memberId}). ` +
          'Check the EHR first for a Coverage already there, so nothing is entered twice.',
        data: payload,
        patientId: payload.patientId,
      }),
    };
  });
  return new Map([[COVERAGE_CREATE_KIND, handler]]);
}
