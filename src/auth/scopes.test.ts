import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readVendorFixture } from '../../test/support/fixtures.ts';
import {
  convertScopes,
  detectScopeStyleMismatch,
  missingScopes,
  parseScope,
  parseScopes,
  requiredScopes,
  scopeCoverage,
  scopeStyleOf,
  WORKFLOWS,
  workflowReadiness,
} from './scopes.ts';

interface SmartDoc {
  scopes_supported: string[];
  capabilities: string[];
}

describe('parseScope', () => {
  const table: [
    string,
    { context: string; type: string; interactions: string; style: string; filter?: string },
  ][] = [
    ['system/Appointment.read', { context: 'system', type: 'Appointment', interactions: 'rs', style: 'v1' }],
    [
      'system/Appointment.write',
      { context: 'system', type: 'Appointment', interactions: 'cud', style: 'v1' },
    ],
    ['system/Appointment.*', { context: 'system', type: 'Appointment', interactions: 'cruds', style: 'v1' }],
    ['system/*.read', { context: 'system', type: '*', interactions: 'rs', style: 'v1' }],
    ['user/Patient.read', { context: 'user', type: 'Patient', interactions: 'rs', style: 'v1' }],
    [
      'system/Appointment.crus',
      { context: 'system', type: 'Appointment', interactions: 'crus', style: 'v2' },
    ],
    ['system/Coverage.cruds', { context: 'system', type: 'Coverage', interactions: 'cruds', style: 'v2' }],
    ['system/Basic.c', { context: 'system', type: 'Basic', interactions: 'c', style: 'v2' }],
    ['patient/*.rs', { context: 'patient', type: '*', interactions: 'rs', style: 'v2' }],
    [
      'system/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory',
      {
        context: 'system',
        type: 'Observation',
        interactions: 'rs',
        style: 'v2',
        filter: 'category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory',
      },
    ],
  ];
  for (const [raw, expected] of table) {
    test(`reads ${raw}`, () => {
      const scope = parseScope(raw);
      assert.ok(scope);
      assert.deepEqual(
        {
          context: scope.context,
          type: scope.resourceType,
          interactions: scope.interactions.join(''),
          style: scope.style,
          ...(scope.filter === undefined ? {} : { filter: scope.filter }),
        },
        expected,
      );
    });
  }

  test('sorts out non-resource and malformed scopes', () => {
    const parsed = parseScopes(
      'openid fhirUser launch/patient offline_access system/Appointment.rw system/appointment.read  system/Slot.rs',
    );
    assert.deepEqual(parsed.other, ['openid', 'fhirUser', 'launch/patient', 'offline_access']);
    assert.deepEqual(parsed.invalid, ['system/Appointment.rw', 'system/appointment.read']);
    assert.deepEqual(
      parsed.resource.map((s) => s.raw),
      ['system/Slot.rs'],
    );
  });

  test("parses every scope in Cerner's smart-configuration", () => {
    // fixture: cerner/cerner-smart-configuration.json
    const doc = readVendorFixture<SmartDoc>('cerner/cerner-smart-configuration.json');
    const parsed = parseScopes(doc.scopes_supported);
    assert.deepEqual(parsed.invalid, []);
    assert.deepEqual(parsed.other.sort(), [
      'fhirUser',
      'launch',
      'offline_access',
      'online_access',
      'openid',
      'profile',
    ]);
    assert.equal(scopeStyleOf(parsed), 'mixed');
  });
});

describe('v1 and v2 equivalence (SMART App Launch 2.0.0: read = rs, write = cud, * = cruds)', () => {
  const equivalent: [string, string][] = [
    ['system/Appointment.read', 'system/Appointment.rs'],
    ['system/Appointment.write', 'system/Appointment.cud'],
    ['system/Appointment.*', 'system/Appointment.cruds'],
    ['system/*.read', 'system/*.rs'],
  ];
  for (const [v1, v2] of equivalent) {
    test(`${v1} grants exactly what ${v2} grants`, () => {
      assert.deepEqual(missingScopes(v1, v2), []);
      assert.deepEqual(missingScopes(v2, v1), []);
    });
  }

  const notEnough: [string, string, string[]][] = [
    ['system/Appointment.read', 'system/Appointment.crus', ['system/Appointment.cu']],
    ['system/Appointment.crus', 'system/Appointment.write', ['system/Appointment.write']],
    ['system/Appointment.r', 'system/Appointment.read', ['system/Appointment.read']],
    ['user/Appointment.cruds', 'system/Appointment.r', ['system/Appointment.r']],
    ['system/Slot.read', 'system/Appointment.rs', ['system/Appointment.rs']],
  ];
  for (const [granted, required, missing] of notEnough) {
    test(`${granted} does not cover ${required}: missing ${missing.join(' ')}`, () => {
      assert.deepEqual(missingScopes(granted, required), missing);
    });
  }

  test('a wildcard type covers any type in the same context', () => {
    assert.deepEqual(missingScopes('system/*.cruds', 'system/Coverage.c system/Slot.read'), []);
    assert.deepEqual(missingScopes('system/*.read', 'system/Coverage.c'), ['system/Coverage.c']);
  });

  test('converts between the syntaxes', () => {
    assert.deepEqual(convertScopes(['system/Appointment.read', 'system/Appointment.write', 'openid'], 'v2'), [
      'system/Appointment.cruds',
      'openid',
    ]);
    assert.deepEqual(convertScopes(['system/Appointment.crus', 'system/Slot.rs'], 'v1'), [
      'system/Appointment.read',
      'system/Appointment.write',
      'system/Slot.read',
    ]);
  });

  test('a filtered grant is partial: reported as such, not as granted', () => {
    const granted = 'system/Observation.cr?category=survey';
    assert.deepEqual(missingScopes(granted, 'system/Observation.cr'), []);
    assert.deepEqual(scopeCoverage(granted, 'system/Observation.crs'), [
      {
        required: 'system/Observation.crs',
        missing: ['system/Observation.s'],
        partial: ['system/Observation.cr'],
        partialGrants: ['system/Observation.cr?category=survey'],
      },
    ]);
  });
});

describe('requiredScopes', () => {
  test('lists the v2 scopes for scheduling', () => {
    assert.deepEqual(requiredScopes(['scheduling'], 'v2'), [
      'system/Appointment.crus',
      'system/Patient.r',
      'system/Schedule.rs',
      'system/Slot.rs',
    ]);
  });

  test('lists the v1 scopes for scheduling', () => {
    assert.deepEqual(requiredScopes(['scheduling'], 'v1'), [
      'system/Appointment.read',
      'system/Appointment.write',
      'system/Patient.read',
      'system/Schedule.read',
      'system/Slot.read',
    ]);
  });

  test('merges the needs of every workflow into one scope per type', () => {
    assert.deepEqual(requiredScopes(WORKFLOWS, 'v2'), [
      'system/Appointment.crus',
      'system/Condition.crs',
      'system/Coverage.crs',
      'system/Observation.crs',
      'system/Organization.rs',
      'system/Patient.crs',
      'system/Schedule.rs',
      'system/Slot.rs',
    ]);
    assert.deepEqual(requiredScopes(['routing'], 'v2'), []);
  });

  test("asks for scopes Cerner's sandbox offers", () => {
    // fixture: cerner/cerner-smart-configuration.json
    const offered = readVendorFixture<SmartDoc>('cerner/cerner-smart-configuration.json').scopes_supported;
    assert.deepEqual(missingScopes(offered, requiredScopes(WORKFLOWS, 'v2')), []);
  });
});

describe('workflowReadiness', () => {
  test('names system/Appointment.write when a v1 grant lacks it', () => {
    const granted = 'system/Slot.read system/Schedule.read system/Appointment.read system/Patient.read';
    const [scheduling] = workflowReadiness(granted, ['scheduling']);
    assert.equal(scheduling.ready, false);
    assert.deepEqual(scheduling.missing, ['system/Appointment.write']);
  });

  test('names system/Appointment.c when a v2 grant lacks create', () => {
    const granted = 'system/Slot.rs system/Schedule.rs system/Appointment.rus system/Patient.rs';
    const [scheduling, identity] = workflowReadiness(granted, ['scheduling', 'identity']);
    assert.equal(scheduling.ready, false);
    assert.deepEqual(scheduling.missing, ['system/Appointment.c']);
    assert.deepEqual(identity.missing, ['system/Patient.c']);
  });

  test('reports each workflow ready when the grant covers it', () => {
    const readiness = workflowReadiness(requiredScopes(WORKFLOWS, 'v2'), WORKFLOWS);
    assert.deepEqual(
      readiness.map((r) => [r.workflow, r.ready, r.missing]),
      WORKFLOWS.map((w) => [w, true, []]),
    );
  });

  test('a workflow with only a filtered grant is not ready and says why', () => {
    const granted = [...requiredScopes(['intake'], 'v2'), 'system/Observation.crs?category=survey'].filter(
      (s) => s !== 'system/Observation.crs',
    );
    const [intake] = workflowReadiness(granted, ['intake']);
    assert.equal(intake.ready, false);
    assert.deepEqual(intake.missing, []);
    assert.deepEqual(intake.partial, ['system/Observation.crs']);
    assert.match(intake.notes.join(' '), /granted only as system\/Observation.crs\?category=survey/);
  });
});

describe('detectScopeStyleMismatch', () => {
  const v1 = requiredScopes(['scheduling'], 'v1');
  const v2 = requiredScopes(['scheduling'], 'v2');

  test('flags v2 scopes requested from a server advertising permission-v1 only', () => {
    // fixture: cerner/R4_WELL_KNOWN.json
    const doc = readVendorFixture<SmartDoc>('cerner/R4_WELL_KNOWN.json');
    const mismatch = detectScopeStyleMismatch({
      requested: v2,
      capabilities: doc.capabilities,
      scopesSupported: doc.scopes_supported,
    });
    assert.equal(mismatch?.evidence, 'capabilities');
    assert.deepEqual(mismatch?.serverStyles, ['v1']);
    assert.match(mismatch?.fix ?? '', /system\/Appointment.read system\/Appointment.write/);
  });

  test('accepts either syntax at a server advertising both', () => {
    // fixtures: epic/epic-fhir-r4-smart-configuration.json, cerner/cerner-smart-configuration.json
    for (const file of [
      'epic/epic-fhir-r4-smart-configuration.json',
      'cerner/cerner-smart-configuration.json',
    ]) {
      const doc = readVendorFixture<SmartDoc>(file);
      for (const requested of [v1, v2]) {
        assert.equal(
          detectScopeStyleMismatch({
            requested,
            capabilities: doc.capabilities,
            scopesSupported: doc.scopes_supported,
          }),
          undefined,
        );
      }
    }
  });

  test('flags v1 scopes the server dropped from the grant, as a v2-only Cerner client sees', () => {
    const mismatch = detectScopeStyleMismatch({ requested: v1, granted: [] });
    assert.equal(mismatch?.evidence, 'granted scopes');
    assert.match(mismatch?.fix ?? '', /system\/Appointment.cruds/);
    assert.equal(detectScopeStyleMismatch({ requested: v1, granted: v1 }), undefined);
  });

  test('judges from scopes_supported when capabilities say nothing', () => {
    const mismatch = detectScopeStyleMismatch({
      requested: v1,
      scopesSupported: ['system/Appointment.crus'],
    });
    assert.equal(mismatch?.evidence, 'scopes_supported');
    assert.equal(detectScopeStyleMismatch({ requested: v1, scopesSupported: ['openid'] }), undefined);
  });
});
