// Issue 8, "Done when": doctor against sandbox tenants each wrong in exactly one way, asserting
// the exact blocker and its fix, and that checks which do not depend on the broken part still run.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TenantReport } from '../../src/doctor/index.ts';
import { EPIC_STU3_PREFIX } from '../../src/sandbox/personalities/epic.ts';
import { R4_PREFIX } from '../../src/sandbox/personalities/r4.ts';
import {
  blockersOf,
  clinicTenant,
  type DoctorHarness,
  editMetadata,
  omitOperations,
  scopesFor,
  startDoctorHarness,
} from './support.ts';

let h: DoctorHarness;

before(async () => {
  h = await startDoctorHarness();
});
after(() => h?.close());

function statusOf(report: TenantReport, check: string) {
  return report.checks.find((c) => c.id === check)?.status;
}

/** An Epic tenant with everything right: the healthy baseline each case changes in one way. */
async function epicTenant(name: string, overrides: Parameters<typeof clinicTenant>[2] = {}) {
  const keys = await h.registerApp({
    clientId: `${name}-app`,
    personality: 'epic',
    allowedScopes: scopesFor(['scheduling'], 'v1'),
    scopeStyle: 'v1',
  });
  return clinicTenant(h, 'epic', { keys, clientId: `${name}-app`, id: name, ...overrides });
}

describe('doctor against a tenant wrong in one way', () => {
  it('names the missing Appointment.write scope and asks the EHR team for exactly it', async () => {
    const keys = await h.registerApp({
      clientId: 'no-write-app',
      personality: 'epic',
      allowedScopes: scopesFor(['scheduling', 'identity'], 'v1').filter(
        (s) => s !== 'system/Appointment.write',
      ),
      scopeStyle: 'v1',
    });
    const path = await h.writeConfig('no-write', [
      clinicTenant(h, 'epic', {
        keys,
        clientId: 'no-write-app',
        id: 'no-write',
        workflows: ['scheduling', 'identity'],
      }),
    ]);
    const report = await h.doctor(path);

    assert.equal(report.exitCode, 2);
    const [blocker, ...others] = report.blockers;
    assert.deepEqual(others, [], JSON.stringify(others));
    assert.equal(blocker.check, 'scopes');
    assert.equal(blocker.title, 'scheduling: the EHR did not grant system/Appointment.write');
    assert.equal(
      blocker.fix,
      'Ask the EHR team to grant the backend app (client id no-write-app) the scope system/Appointment.write',
    );
    assert.match(blocker.ehrSaid ?? '', /invalid_scope.*system\/Appointment\.write/);
    assert.deepEqual(
      report.workflows.map((w) => [w.workflow, w.verdict]),
      [
        ['scheduling', 'blocked'],
        ['identity', 'ready'],
      ],
    );
    // The token for the granted scopes still lets the read-only probe run.
    assert.equal(statusOf(report, 'token'), 'pass');
    assert.equal(statusOf(report, 'scheduling-probe'), 'pass');
  });

  it('names Slot update, which the plain-R4 adapter books with, when the EHR does not grant it', async () => {
    // ehrgate asks for system/Slot.rus on a plain R4 server; this EHR grants only Slot.rs.
    const keys = await h.registerApp({
      clientId: 'r4-no-slot-update',
      personality: 'r4',
      allowedScopes: scopesFor(['scheduling'], 'v2'),
      scopeStyle: 'v2',
    });
    const path = await h.writeConfig('r4-no-slot-update', [
      clinicTenant(h, 'r4', { keys, clientId: 'r4-no-slot-update', id: 'r4-no-slot-update' }),
    ]);
    const report = await h.doctor(path);

    assert.equal(report.exitCode, 2);
    assert.deepEqual(
      report.blockers.map((b) => [b.check, b.title, b.fix]),
      [
        [
          'scopes',
          'scheduling: the EHR did not grant system/Slot.u',
          'Ask the EHR team to grant the backend app (client id r4-no-slot-update) the scope system/Slot.u',
        ],
      ],
    );
    assert.ok(report.scopesToRequest.includes('system/Slot.rus'), report.scopesToRequest.join(' '));
  });

  it('calls out SMART v1 scopes sent to a v2-only server by name, with the v2 scopes to use', async () => {
    const v2 = scopesFor(['scheduling'], 'v2');
    const keys = await h.registerApp({
      clientId: 'cerner-v1-app',
      personality: 'cerner',
      allowedScopes: v2,
      scopeStyle: 'v2',
    });
    const tenant = clinicTenant(h, 'cerner', { keys, clientId: 'cerner-v1-app', id: 'cerner-v1' });
    const path = await h.writeConfig('cerner-v1', [
      { ...tenant, ehr: { ...tenant.ehr, scopes: scopesFor(['scheduling'], 'v1') } },
    ]);
    const report = await h.doctor(path);

    assert.equal(report.exitCode, 2);
    const [blocker] = blockersOf(report, 'scopes');
    assert.equal(
      blocker.title,
      'SMART v1 scopes requested from a SMART v2-only EHR: the server granted none of the requested v1 resource scopes (v2-only servers drop them)',
    );
    assert.equal(
      blocker.fix,
      `In the configuration file, set ehr.scopes to the same access in SMART v2 syntax: ${v2.join(' ')}`,
    );
    assert.deepEqual(report.scopesToRequest, v2);
    assert.equal(blockersOf(report, 'scopes').length, 1, 'one mismatch, not one blocker per resource');
  });

  it('reports an Epic instance whose CapabilityStatement lacks $find', async () => {
    const noFind = await startDoctorHarness({ setup: omitOperations(EPIC_STU3_PREFIX, ['find']) });
    try {
      const keys = await noFind.registerApp({
        clientId: 'no-find-app',
        personality: 'epic',
        allowedScopes: scopesFor(['scheduling'], 'v1'),
        scopeStyle: 'v1',
      });
      const path = await noFind.writeConfig('no-find', [
        clinicTenant(noFind, 'epic', { keys, clientId: 'no-find-app', id: 'no-find' }),
      ]);
      const report = await noFind.doctor(path);

      assert.equal(report.exitCode, 2);
      assert.deepEqual(
        report.blockers.map((b) => [b.check, b.title, b.fix]),
        [
          [
            'capabilities',
            "scheduling: the EHR's CapabilityStatement does not declare Appointment/$find (STU3)",
            'Ask the EHR team to enable the Appointment/$find (STU3) operation for this backend app (it is needed for finding open slots)',
          ],
        ],
      );
      const table = report.checks.find((c) => c.id === 'capabilities')?.tables[0];
      assert.deepEqual(
        table?.rows.find((r) => r[1] === 'Appointment/$book (STU3)')?.[2],
        'yes',
        '$book is still declared',
      );
    } finally {
      await noFind.close();
    }
  });

  it("quotes Epic's own 59200 diagnostic for a visit type $find does not know", async () => {
    const tenant = await epicTenant('unknown-visit');
    const path = await h.writeConfig('unknown-visit', [
      {
        ...tenant,
        scheduling: {
          ...tenant.scheduling!,
          visitTypes: [
            ...tenant.scheduling!.visitTypes,
            {
              id: 'annual-physical',
              say: 'annual physical',
              minutes: 40,
              epic: { system: 'urn:oid:1.2.840.114350.1.13.0.1.7.10.686980', code: '9999' },
            },
          ],
        },
      },
    ]);
    const report = await h.doctor(path);

    assert.equal(report.exitCode, 2);
    const [blocker, ...others] = report.blockers;
    assert.deepEqual(others, []);
    assert.equal(blocker.check, 'scheduling-probe');
    assert.equal(
      blocker.title,
      'visit type annual-physical (urn:oid:1.2.840.114350.1.13.0.1.7.10.686980|9999): the EHR does not recognise the visit type',
    );
    assert.match(blocker.ehrSaid ?? '', /^Epic 59200: serviceType names no visit type this server schedules/);
    assert.equal(
      blocker.fix,
      'Ask the EHR team for the visit type id that Appointment/$find accepts for "annual physical" ' +
        '(urn:oid:1.2.840.114350.1.13.0.1.7.10.686980|9999 is not one) and that it is open to this backend app, ' +
        'then correct it in scheduling.visitTypes',
    );
    const rows = report.checks.find((c) => c.id === 'scheduling-probe')?.tables[0]?.rows ?? [];
    assert.match(rows.find((r) => r[0].startsWith('visit type new-patient'))?.[1] ?? '', /^found/);
  });

  it('turns Coverage mapped on an Epic tenant into a mapping blocker instead of a start-up error', async () => {
    const keys = await h.registerApp({
      clientId: 'epic-coverage-app',
      personality: 'epic',
      allowedScopes: scopesFor(['scheduling', 'insurance'], 'v1'),
      scopeStyle: 'v1',
    });
    const path = await h.writeConfig('epic-coverage', [
      clinicTenant(h, 'epic', {
        keys,
        clientId: 'epic-coverage-app',
        id: 'epic-coverage',
        workflows: ['scheduling', 'insurance'],
        mapping: {
          chiefComplaint: { to: 'appointment-note' },
          reasonForVisit: { to: 'appointment-note' },
          insurance: { to: 'coverage' },
        },
      }),
    ]);
    const report = await h.doctor(path);

    assert.equal(report.exitCode, 2);
    assert.deepEqual(
      report.blockers.map((b) => [b.check, b.title, b.workflows]),
      [['mapping', 'mapping.insurance.to: Epic offers no Coverage create; use work-queue', ['insurance']]],
    );
    assert.equal(
      report.blockers[0].fix,
      "In the configuration file, set mapping.insurance.to: work-queue. Epic's Coverage API is read-only, so " +
        'insurance goes to the staff work queue and registration staff enter it in Epic; ask the EHR team whether they want it there',
    );
    assert.deepEqual(
      report.workflows.map((w) => [w.workflow, w.verdict]),
      [
        ['scheduling', 'ready'],
        ['insurance', 'blocked'],
      ],
    );
  });

  it('reports a token endpoint answering 500 and still runs the checks that need no token', async () => {
    const tenant = await epicTenant('token-down');
    const path = await h.writeConfig('token-down', [tenant]);
    h.sandbox.faults.addRule({ match: { method: 'POST', path: '/oauth2/token' }, fault: { status: 500 } });
    let report: TenantReport;
    try {
      report = await h.doctor(path);
    } finally {
      h.sandbox.faults.clear();
    }

    assert.equal(report.exitCode, 2);
    const [blocker, ...others] = report.blockers;
    assert.deepEqual(others, []);
    assert.equal(blocker.check, 'token');
    assert.equal(
      blocker.title,
      `no access token: token endpoint ${h.sandbox.url}/oauth2/token answered HTTP 500`,
    );
    assert.equal(
      blocker.fix,
      "Ask the EHR team why the token endpoint answers HTTP 500 to client token-down-app's client_credentials " +
        'request (their authorization server logs will say); then run ehrgate doctor again',
    );
    assert.equal(blocker.ehrSaid, 'HTTP 500');
    assert.deepEqual(
      report.checks.map((c) => [c.id, c.status]),
      [
        ['reachability', 'pass'],
        ['discovery', 'pass'],
        ['token', 'fail'],
        ['scopes', 'skipped'],
        ['capabilities', 'pass'],
        ['scheduling-probe', 'skipped'],
        ['mapping', 'skipped'],
        ['write-test', 'skipped'],
        ['compliance', 'pass'],
      ],
    );
    assert.equal(
      report.checks.find((c) => c.id === 'scopes')?.skippedBecause,
      'needs Access token, which did not pass',
    );
  });

  it('warns when the mapped Condition category is outside the US Core profiles the EHR declares', async () => {
    const declared =
      'http://hl7.org/fhir/us/core/StructureDefinition/us-core-condition-problems-health-concerns|6.1.0';
    const profiled = await startDoctorHarness({
      setup: editMetadata(R4_PREFIX, (statement) => {
        for (const entry of statement.rest?.[0]?.resource ?? []) {
          if (entry.type === 'Condition') entry.supportedProfile = [declared];
        }
      }),
    });
    try {
      const keys = await profiled.registerApp({
        clientId: 'profiled-app',
        personality: 'r4',
        allowedScopes: scopesFor(['intake'], 'v2'),
        scopeStyle: 'v2',
      });
      const path = await profiled.writeConfig('profiled', [
        clinicTenant(profiled, 'r4', {
          keys,
          clientId: 'profiled-app',
          id: 'profiled',
          workflows: ['intake'],
          mapping: {
            chiefComplaint: { to: 'condition', category: 'encounter-diagnosis' },
            reasonForVisit: { to: 'appointment-note' },
            insurance: { to: 'work-queue' },
          },
        }),
      ]);
      const report = await profiled.doctor(path);

      assert.equal(report.exitCode, 1);
      assert.deepEqual(
        report.warnings.map((w) => [w.check, w.title]),
        [
          [
            'mapping',
            `mapping.chiefComplaint: the EHR declares the US Core Condition profile ${declared} but not ` +
              'us-core-condition-encounter-diagnosis, which category encounter-diagnosis belongs to',
          ],
        ],
      );
    } finally {
      await profiled.close();
    }
  });

  it("finds this host's clock 10 minutes ahead of the EHR's and says to fix NTP", async () => {
    const tenant = await epicTenant('skewed');
    const path = await h.writeConfig('skewed', [tenant]);
    const report = await h.doctor(path, { now: () => Date.now() + 10 * 60_000 });

    assert.equal(report.exitCode, 2);
    const [clock, token] = blockersOf(report, 'token');
    assert.match(clock.title, /^this host's clock is 60[01] s ahead of the EHR's \(its Date header\)$/);
    assert.equal(
      clock.fix,
      "Synchronise this host's clock with NTP (chrony or systemd-timesyncd), then run ehrgate doctor again",
    );
    // The EHR refused the assertion for it; the token blocker points at the clock.
    assert.match(
      token.title,
      /^no access token: token endpoint .* answered HTTP 400: invalid_client — client_assertion exp is more than 5 minutes in the future$/,
    );
    assert.match(token.fix ?? '', /^Fix this host's clock first/);
  });
});
