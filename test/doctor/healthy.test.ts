// Issue 8: "a fully healthy tenant passes with exit 0" — an Epic-like and a Cerner-like tenant of
// the sandbox clinic with every workflow, registered for exactly the scopes ehrgate requests.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Workflow } from '../../src/config/index.ts';
import { clinicTenant, type DoctorHarness, scopesFor, startDoctorHarness } from './support.ts';

const ALL: Workflow[] = ['scheduling', 'identity', 'intake', 'insurance', 'routing'];

let h: DoctorHarness;

before(async () => {
  h = await startDoctorHarness();
});
after(() => h?.close());

describe('doctor against a healthy tenant', () => {
  it('finds an Epic-like tenant ready for every workflow and exits 0', async () => {
    const keys = await h.registerApp({
      clientId: 'healthy-epic',
      personality: 'epic',
      allowedScopes: scopesFor(ALL, 'v1'),
      scopeStyle: 'v1',
    });
    const path = await h.writeConfig('healthy-epic', [
      clinicTenant(h, 'epic', {
        keys,
        clientId: 'healthy-epic',
        workflows: ALL,
        mapping: {
          chiefComplaint: { to: 'condition', category: 'problem-list-item' },
          reasonForVisit: { to: 'appointment-note' },
          insurance: { to: 'work-queue' },
        },
      }),
    ]);
    const report = await h.doctor(path);

    assert.deepEqual([...report.blockers, ...report.warnings], []);
    assert.equal(report.verdict, 'ready');
    assert.equal(report.exitCode, 0);
    assert.deepEqual(
      report.workflows.map((w) => w.verdict),
      ALL.map(() => 'ready'),
    );
    assert.deepEqual(
      report.checks.map((c) => [c.id, c.status]),
      [
        ['reachability', 'pass'],
        ['discovery', 'pass'],
        ['token', 'pass'],
        ['scopes', 'pass'],
        ['capabilities', 'pass'],
        ['scheduling-probe', 'pass'],
        ['mapping', 'pass'],
        ['write-test', 'skipped'],
        ['compliance', 'pass'],
      ],
    );
    assert.deepEqual(report.scopesToRequest, scopesFor(ALL, 'v1'));
    const probe = report.checks.find((c) => c.id === 'scheduling-probe');
    assert.equal(probe?.tables[0].rows.length, 6, 'two visit types, two practitioners, two locations');
    assert.ok(
      probe?.tables[0].rows.every((row) => row[1].startsWith('found')),
      JSON.stringify(probe?.tables),
    );
  });

  it('finds a Cerner-like tenant with v2 scopes and a Coverage mapping ready', async () => {
    const keys = await h.registerApp({
      clientId: 'healthy-cerner',
      personality: 'cerner',
      allowedScopes: scopesFor(ALL, 'v2'),
      scopeStyle: 'v2',
    });
    const path = await h.writeConfig('healthy-cerner', [
      clinicTenant(h, 'cerner', {
        keys,
        clientId: 'healthy-cerner',
        workflows: ALL,
        mapping: {
          chiefComplaint: { to: 'condition', category: 'encounter-diagnosis' },
          reasonForVisit: { to: 'appointment-note' },
          insurance: { to: 'coverage' },
        },
      }),
    ]);
    const report = await h.doctor(path);

    assert.deepEqual([...report.blockers, ...report.warnings], []);
    assert.equal(report.exitCode, 0);
    const token = report.checks.find((c) => c.id === 'token');
    assert.deepEqual(
      token?.tables[0].rows.find((r) => r[0] === 'lifetime'),
      ['lifetime', '570 s'],
    );
  });

  it('blocks every workflow when an STT vendor without a BAA would hear the caller', async () => {
    const keys = await h.registerApp({
      clientId: 'no-baa-app',
      personality: 'cerner',
      allowedScopes: scopesFor(['scheduling'], 'v2'),
      scopeStyle: 'v2',
    });
    const path = await h.writeConfig('no-baa', [
      clinicTenant(h, 'cerner', {
        keys,
        clientId: 'no-baa-app',
        id: 'no-baa',
        workflows: ['scheduling', 'routing'],
        subprocessors: [
          { name: 'cheap-stt', role: 'stt', baa: false },
          { name: 'openai', role: 'llm', baa: true, zeroRetention: false },
        ],
      }),
    ]);
    const report = await h.doctor(path);

    assert.equal(report.exitCode, 2);
    assert.deepEqual(
      report.blockers.map((b) => [b.check, b.title]),
      [
        [
          'compliance',
          "cheap-stt (stt) has no BAA but would receive PHI: the caller's voice: everything the caller says, identifiers included",
        ],
      ],
    );
    assert.deepEqual(
      report.warnings.map((w) => w.title),
      ['openai (llm) is covered by a BAA but keeps prompts and outputs'],
    );
    assert.deepEqual(
      report.workflows.map((w) => [w.workflow, w.verdict]),
      [
        ['scheduling', 'blocked'],
        ['routing', 'blocked'],
      ],
    );
  });
});
