// validateMapping (issue 5 item 3): a tenant's mapping is checked against what its vendor supports,
// and the gateway's configuration loader refuses a bad one with the exact key path.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/index.ts';
import { validateMapping } from '../../src/mapping/index.ts';

const mapping = (overrides: Record<string, unknown>) => ({
  chiefComplaint: { to: 'work-queue' },
  reasonForVisit: { to: 'work-queue' },
  insurance: { to: 'work-queue' },
  ...overrides,
});

describe('validateMapping', () => {
  it('refuses Coverage on an Epic tenant, naming the key', () => {
    const problems = validateMapping(
      { ehr: { vendor: 'epic' }, mapping: mapping({ insurance: { to: 'coverage' } }) },
      2,
    );
    assert.deepEqual(problems, [
      { path: 'tenants[2].mapping.insurance.to', message: 'Epic offers no Coverage create; use work-queue' },
    ]);
  });

  it('accepts Coverage on Cerner and fhir-r4 tenants', () => {
    for (const vendor of ['cerner', 'fhir-r4'] as const) {
      assert.deepEqual(
        validateMapping({ ehr: { vendor }, mapping: mapping({ insurance: { to: 'coverage' } }) }),
        [],
      );
    }
  });

  it('refuses a Condition category Cerner does not create', () => {
    const problems = validateMapping({
      ehr: { vendor: 'cerner' },
      mapping: mapping({ chiefComplaint: { to: 'condition', category: 'health-concern' } }),
    });
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.path, 'tenants[0].mapping.chiefComplaint.category');
    assert.match(problems[0]?.message ?? '', /problem-list-item or encounter-diagnosis, not health-concern/);
  });

  it('accepts the two Condition categories Cerner creates', () => {
    for (const category of ['problem-list-item', 'encounter-diagnosis']) {
      const problems = validateMapping({
        ehr: { vendor: 'cerner' },
        mapping: mapping({ reasonForVisit: { to: 'condition', category } }),
      });
      assert.deepEqual(problems, []);
    }
  });

  it('refuses an observation without a code and with a category outside observation-category', () => {
    const problems = validateMapping({
      ehr: { vendor: 'fhir-r4' },
      mapping: mapping({ reasonForVisit: { to: 'observation', category: 'gossip' } }),
    });
    assert.deepEqual(
      problems.map((p) => p.path),
      ['tenants[0].mapping.reasonForVisit.code', 'tenants[0].mapping.reasonForVisit.category'],
    );
  });

  it('has nothing to say about a tenant without a mapping block', () => {
    assert.deepEqual(validateMapping({ ehr: { vendor: 'epic' } }), []);
  });
});

describe('loading a configuration with a mapping the vendor cannot take', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ehrgate-mapping-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('stops start-up with tenants[0].mapping.insurance.to for Coverage on Epic', async () => {
    const path = join(dir, 'epic-coverage.yaml');
    await writeFile(
      path,
      [
        'tenants:',
        '  - id: riverside',
        '    ehr:',
        '      vendor: epic',
        '      baseUrl: http://127.0.0.1:8090/api/FHIR/R4',
        '      auth: { method: none }',
        '    mapping:',
        '      chiefComplaint: { to: condition, category: problem-list-item }',
        '      reasonForVisit: { to: appointment-note }',
        '      insurance: { to: coverage }',
        '',
      ].join('\n'),
    );
    await assert.rejects(loadConfig({ path, env: {} }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.code, 'ERR_CONFIG_INVALID');
      assert.deepEqual(
        error.problems.map((p) => p.path),
        ['tenants[0].mapping.insurance.to'],
      );
      assert.match(
        error.message,
        /^tenants\[0\]\.mapping\.insurance\.to: Epic offers no Coverage create; use work-queue$/m,
      );
      return true;
    });
  });
});
