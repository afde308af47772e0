// The write test's insurance record (issue 8 item 8): a Coverage for the test patient with a
// payer the EHR knows, through the coverage adapter, read back field by field, then deleted or
// marked entered-in-error.
import { randomUUID } from 'node:crypto';
import type { Coverage } from '@medplum/fhirtypes';
import { createCoverageAdapter } from '../../ehr/index.ts';
import { buildCoverage } from '../../mapping/coverage.ts';
import { loadFhirSchema } from '../../mapping/index.ts';
import type { DoctorContext } from '../types.ts';
import { compareResource } from './compare-fields.ts';
import { removeTestRecord } from './remove-test-record.ts';
import { type WriteStep, writeFailure } from './write-step.ts';

const TEST_MEMBER_ID = 'EHRGATE-DOCTOR-TEST';

export async function coverageStep(context: DoctorContext, patientId: string): Promise<WriteStep> {
  const fhir = context.fhir();
  const payer = await testPayer(context);
  if (payer === undefined) {
    return {
      rows: [],
      findings: [
        {
          severity: 'warning',
          title:
            'write test: no payer Organization found (insurance.payerAliases or Organization?type=pay), so no Coverage was written',
          fix: "In the configuration file, add insurance.payerAliases naming the EHR's payer Organization ids",
          workflows: ['insurance'],
        },
      ],
      done: [],
    };
  }
  await loadFhirSchema();
  const idempotencyKey = `ehrgate-doctor-${randomUUID()}`;
  const coverage = buildCoverage({
    vendor: context.tenant.ehr.vendor,
    patientId,
    payer,
    memberId: TEST_MEMBER_ID,
    periodStart: new Date(context.options.now()).toISOString().slice(0, 10),
    idempotencyKey,
  });
  let id: string;
  try {
    id = (
      await createCoverageAdapter({ vendor: context.tenant.ehr.vendor, fhir }).createCoverage({
        coverage,
        patientId,
        idempotencyKey,
      })
    ).id;
  } catch (error) {
    return {
      rows: [],
      findings: [writeFailure('writing insurance as a Coverage', error, ['insurance'])],
      done: [],
    };
  }
  const label = `Coverage/${id}`;
  let stored: Coverage;
  try {
    stored = await fhir.read('Coverage', id);
  } catch (error) {
    return {
      rows: [],
      findings: [writeFailure(`reading ${label} back`, error, ['insurance'])],
      done: [`wrote ${label}`],
    };
  }
  const rows = compareResource(label, coverage, stored);
  const lost = rows.filter((r) => r.verdict === 'dropped').map((r) => r.field);
  const removal = await removeTestRecord(fhir, stored);
  return {
    rows,
    findings: [
      ...(lost.length === 0
        ? []
        : [
            {
              severity: 'warning' as const,
              title: `write test: the EHR dropped Coverage.${lost.join(', Coverage.')}`,
              fix: 'Ask the EHR team whether the Coverage API keeps these elements',
              workflows: ['insurance' as const],
            },
          ]),
      ...(removal.removed
        ? []
        : [
            {
              severity: 'warning' as const,
              title: `write test: ${label} could not be removed again: ${removal.reason}`,
              fix: `Remove ${label} (member id ${TEST_MEMBER_ID}) in the EHR by hand`,
              workflows: ['insurance' as const],
            },
          ]),
    ],
    done: [`wrote ${label}`, ...(removal.removed ? [`${removal.how} ${label}`] : [])],
  };
}

async function testPayer(context: DoctorContext): Promise<{ id: string; name: string } | undefined> {
  const alias = context.tenant.insurance?.payerAliases[0];
  if (alias !== undefined) return { id: alias.organization, name: alias.name ?? alias.say[0] };
  try {
    const [org] = await context
      .fhir()
      .searchResources('Organization', { type: 'pay', _count: 1 }, { maxPages: 1 });
    return org?.id === undefined ? undefined : { id: org.id, name: org.name ?? org.id };
  } catch {
    return undefined;
  }
}
