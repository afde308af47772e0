import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { isEhrgateError } from '../errors.ts';
import { ConfigError } from './config-error.ts';
import { loadConfig } from './load-config.ts';
import type { EhrgateConfig } from './types.ts';

let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ehrgate-config-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

let fileCount = 0;
async function writeConfig(content: unknown, subdir = ''): Promise<string> {
  const folder = join(dir, subdir);
  await mkdir(folder, { recursive: true });
  const path = join(folder, `config-${++fileCount}.yaml`);
  await writeFile(path, typeof content === 'string' ? content : stringify(content));
  return path;
}

// The tenant block of DESIGN.md section 6, in full.
function riverside(): Record<string, unknown> {
  return {
    id: 'riverside',
    ehr: {
      vendor: 'epic',
      baseUrl: 'https://ehr.example.org/api/FHIR/R4',
      auth: { method: 'private_key_jwt', clientId: 'env:RIVERSIDE_CLIENT_ID', keys: './keys/riverside' },
    },
    workflows: ['scheduling', 'identity', 'intake', 'insurance', 'routing'],
    scheduling: {
      visitTypes: [
        {
          id: 'new-patient',
          say: 'new patient visit',
          minutes: 40,
          epic: { system: 'urn:oid:1.2.840.114350.1.13.0.1.7.3.698084.8', code: '1001' },
        },
      ],
    },
    mapping: {
      chiefComplaint: { to: 'condition', category: 'problem-list-item' },
      reasonForVisit: { to: 'appointment-note' },
      insurance: { to: 'work-queue' },
    },
    // DESIGN.md writes "+15550100", which has too few digits to be a real E.164 number.
    routing: [{ intent: 'billing', to: { queue: 'billing', phone: '+16175550100' } }],
    channels: { vapi: { secret: 'env:RIVERSIDE_VAPI_SECRET' } },
    subprocessors: [{ name: 'openai', role: 'llm', baa: true, zeroRetention: true }],
  };
}

const riversideEnv = { RIVERSIDE_CLIENT_ID: 'riverside-client', RIVERSIDE_VAPI_SECRET: 'vapi-secret-value' };

type Tenant = Record<string, unknown> & { ehr: Record<string, unknown> & { auth: Record<string, unknown> } };

function withTenant(edit: (tenant: Tenant) => void): Record<string, unknown> {
  const tenant = riverside() as Tenant;
  edit(tenant);
  return { tenants: [tenant] };
}

async function rejection(promise: Promise<unknown>): Promise<ConfigError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the configuration to be rejected');
}

type BadCase = {
  name: string;
  content: unknown;
  env?: Record<string, string>;
  code: ConfigError['code'];
  path: string;
};

const badCases: BadCase[] = [
  {
    name: 'rejects an unknown top-level key and names it',
    content: { ...withTenant(() => {}), tennants: [] },
    code: 'ERR_CONFIG_INVALID',
    path: '',
  },
  {
    name: 'rejects an unknown nested key at its parent and suggests the known key it resembles',
    content: withTenant((t) => {
      t.ehr.baseurl = t.ehr.baseUrl;
      delete t.ehr.baseUrl;
    }),
    code: 'ERR_CONFIG_INVALID',
    path: 'tenants[0].ehr',
  },
  {
    name: 'rejects an MCP allowed origin with a path, which no browser sends',
    content: { ...withTenant(() => {}), server: { mcpAllowedOrigins: ['http://localhost:6274/mcp'] } },
    code: 'ERR_CONFIG_INVALID',
    path: 'server.mcpAllowedOrigins[0]',
  },
  {
    name: 'rejects a plain http baseUrl on a host that is not loopback',
    content: withTenant((t) => {
      t.ehr.baseUrl = 'http://ehr.example.org/api/FHIR/R4';
    }),
    code: 'ERR_CONFIG_INVALID',
    path: 'tenants[0].ehr.baseUrl',
  },
  {
    name: 'rejects a baseUrl that is not a URL',
    content: withTenant((t) => {
      t.ehr.baseUrl = 'ehr.example.org/api/FHIR/R4';
    }),
    code: 'ERR_CONFIG_INVALID',
    path: 'tenants[0].ehr.baseUrl',
  },
  {
    name: 'rejects an unknown vendor',
    content: withTenant((t) => {
      t.ehr.vendor = 'meditech';
    }),
    code: 'ERR_CONFIG_INVALID',
    path: 'tenants[0].ehr.vendor',
  },
  {
    name: 'stops when an env: secret names a variable that is not set',
    content: withTenant(() => {}),
    env: { RIVERSIDE_CLIENT_ID: 'riverside-client' },
    code: 'ERR_CONFIG_SECRET_MISSING',
    path: 'tenants[0].channels.vapi.secret',
  },
  {
    name: 'stops when a file: secret names a file that does not exist',
    content: withTenant((t) => {
      t.channels = { vapi: { secret: 'file:./no-such-secret' } };
    }),
    code: 'ERR_CONFIG_SECRET_MISSING',
    path: 'tenants[0].channels.vapi.secret',
  },
  {
    name: 'rejects a secret written literally in the file',
    content: withTenant((t) => {
      t.ehr.vendor = 'cerner';
      t.ehr.auth = { method: 'client_secret_basic', clientId: 'mercy', clientSecret: 'hunter2' };
    }),
    code: 'ERR_CONFIG_INVALID',
    path: 'tenants[0].ehr.auth.clientSecret',
  },
  {
    name: 'rejects two tenants with the same id, at the second one',
    content: { tenants: [riverside(), riverside()] },
    code: 'ERR_CONFIG_INVALID',
    path: 'tenants[1].id',
  },
  {
    name: 'rejects a time zone that is not an IANA zone',
    content: withTenant((t) => {
      t.timeZone = 'Eastern Time';
    }),
    code: 'ERR_CONFIG_INVALID',
    path: 'tenants[0].timeZone',
  },
  {
    name: 'rejects a routing phone number that is not a valid E.164 number',
    content: withTenant((t) => {
      t.routing = [{ intent: 'billing', to: { queue: 'billing', phone: '+15550100' } }];
    }),
    code: 'ERR_CONFIG_INVALID',
    path: 'tenants[0].routing[0].to.phone',
  },
  {
    name: 'rejects a file without tenants',
    content: { server: { port: 8080 } },
    code: 'ERR_CONFIG_INVALID',
    path: 'tenants',
  },
  {
    name: 'rejects an empty tenant list',
    content: { tenants: [] },
    code: 'ERR_CONFIG_INVALID',
    path: 'tenants',
  },
  {
    name: 'rejects auth method none for an EHR that is not on this machine',
    content: withTenant((t) => {
      t.ehr.auth = { method: 'none' };
    }),
    code: 'ERR_CONFIG_INVALID',
    path: 'tenants[0].ehr.auth.method',
  },
  {
    name: 'rejects an unknown auth method and suggests the closest one',
    content: withTenant((t) => {
      t.ehr.auth.method = 'private_key_jwk';
    }),
    code: 'ERR_CONFIG_INVALID',
    path: 'tenants[0].ehr.auth.method',
  },
  {
    name: 'rejects a tenant id that cannot appear in a URL',
    content: withTenant((t) => {
      t.id = 'Riverside Health';
    }),
    code: 'ERR_CONFIG_INVALID',
    path: 'tenants[0].id',
  },
  {
    name: 'rejects an observation mapping without a code',
    content: withTenant((t) => {
      t.mapping = {
        chiefComplaint: { to: 'observation' },
        reasonForVisit: { to: 'appointment-note' },
        insurance: { to: 'work-queue' },
      };
    }),
    code: 'ERR_CONFIG_INVALID',
    path: 'tenants[0].mapping.chiefComplaint.code',
  },
  {
    name: 'rejects insurance mapped to a resource that cannot hold it',
    content: withTenant((t) => {
      t.mapping = {
        chiefComplaint: { to: 'appointment-note' },
        reasonForVisit: { to: 'appointment-note' },
        insurance: { to: 'condition', category: 'problem-list-item' },
      };
    }),
    code: 'ERR_CONFIG_INVALID',
    path: 'tenants[0].mapping.insurance.to',
  },
  {
    name: 'rejects a postgres store URL carrying a literal password',
    content: {
      ...withTenant(() => {}),
      store: { url: 'postgres://gateway:s3cret@db.example.org:5432/ehrgate' },
    },
    code: 'ERR_CONFIG_INVALID',
    path: 'store.url',
  },
  {
    name: 'rejects a port given as a string',
    content: { ...withTenant(() => {}), server: { port: '8080' } },
    code: 'ERR_CONFIG_INVALID',
    path: 'server.port',
  },
  {
    name: 'rejects a visit type duration that is not a whole number of minutes',
    content: withTenant((t) => {
      t.scheduling = { visitTypes: [{ id: 'new-patient', say: 'new patient visit', minutes: 40.5 }] };
    }),
    code: 'ERR_CONFIG_INVALID',
    path: 'tenants[0].scheduling.visitTypes[0].minutes',
  },
  {
    name: 'rejects after-hours routing without opening hours',
    content: withTenant((t) => {
      t.routing = [{ intent: 'billing', to: { queue: 'billing' }, afterHours: { queue: 'voicemail' } }];
    }),
    code: 'ERR_CONFIG_INVALID',
    path: 'tenants[0].routing[0].afterHours',
  },
  {
    name: 'rejects an empty file',
    content: '',
    code: 'ERR_CONFIG_INVALID',
    path: '',
  },
];

describe('loadConfig: rejected configurations', () => {
  for (const bad of badCases) {
    it(bad.name, async () => {
      const path = await writeConfig(bad.content);
      const error = await rejection(loadConfig({ path, env: bad.env ?? riversideEnv }));
      assert.equal(error.code, bad.code);
      assert.equal(error.file, path);
      assert.equal(error.problems[0]?.path, bad.path, error.message);
      const firstLine = error.message.split('\n')[0];
      assert.ok(firstLine.startsWith(`${bad.path === '' ? '(top level)' : bad.path}: `), firstLine);
    });
  }

  it('names the unknown key and the hint in one line of its own', async () => {
    const path = await writeConfig(
      withTenant((t) => {
        t.ehr.baseurl = t.ehr.baseUrl;
        delete t.ehr.baseUrl;
      }),
    );
    const error = await rejection(loadConfig({ path, env: riversideEnv }));
    assert.equal(
      error.message.split('\n')[0],
      'tenants[0].ehr: unknown key "baseurl" (did you mean baseUrl?)',
    );
  });

  it('reports every problem of a file, one line each', async () => {
    const path = await writeConfig(
      withTenant((t) => {
        t.ehr.vendor = 'epik';
        t.timeZone = 'Mars/Olympus_Mons';
        t.bogus = true;
      }),
    );
    const error = await rejection(loadConfig({ path, env: riversideEnv }));
    assert.deepEqual(
      error.problems.map((problem) => problem.path),
      ['tenants[0]', 'tenants[0].timeZone', 'tenants[0].ehr.vendor'],
    );
    assert.equal(error.message.split('\n').length, 3);
    assert.match(error.message, /did you mean epic\?/);
  });

  it('reports every missing secret at once, naming each variable', async () => {
    const path = await writeConfig(withTenant(() => {}));
    const error = await rejection(loadConfig({ path, env: {} }));
    assert.equal(error.code, 'ERR_CONFIG_SECRET_MISSING');
    assert.deepEqual(error.problems, [
      {
        path: 'tenants[0].ehr.auth.clientId',
        reason: 'environment variable RIVERSIDE_CLIENT_ID is not set',
      },
      {
        path: 'tenants[0].channels.vapi.secret',
        reason: 'environment variable RIVERSIDE_VAPI_SECRET is not set',
      },
    ]);
  });

  it('never repeats a literal secret in the error message', async () => {
    const path = await writeConfig(
      withTenant((t) => {
        t.ehr.auth = {
          method: 'client_secret_basic',
          clientId: 'mercy',
          clientSecret: 'correct-horse-battery',
        };
        t.channels = { vapi: { secret: 'another-literal-secret' } };
      }),
    );
    const error = await rejection(loadConfig({ path, env: riversideEnv }));
    assert.equal(error.problems.length, 2);
    assert.doesNotMatch(error.message, /correct-horse-battery|another-literal-secret/);
  });

  it('reports malformed YAML as a file error with file:line:col on one line', async () => {
    const path = await writeConfig('tenants:\n  - id: a\n   ehr: [\n');
    const error = await rejection(loadConfig({ path, env: {} }));
    assert.equal(error.code, 'ERR_CONFIG_FILE');
    assert.equal(error.message.split('\n').length, 1);
    assert.ok(error.message.startsWith(`${path}:3:1: `), error.message);
  });

  it('reports a duplicated YAML key as a file error at the duplicate', async () => {
    const path = await writeConfig('tenants: []\nserver: {}\ntenants: []\n');
    const error = await rejection(loadConfig({ path, env: {} }));
    assert.equal(error.code, 'ERR_CONFIG_FILE');
    assert.ok(error.message.startsWith(`${path}:3:1: `), error.message);
  });

  it('reports a missing file as a file error naming the resolved path', async () => {
    const error = await rejection(loadConfig({ path: 'missing.yaml', cwd: dir, env: {} }));
    assert.equal(error.code, 'ERR_CONFIG_FILE');
    assert.equal(error.file, join(dir, 'missing.yaml'));
    assert.ok(error.message.startsWith(`${join(dir, 'missing.yaml')}: `), error.message);
  });

  it('is an EhrgateError so the CLI edge handles it like any other', async () => {
    const error = await rejection(loadConfig({ path: join(dir, 'missing.yaml'), env: {} }));
    assert.ok(isEhrgateError(error, 'ERR_CONFIG_FILE'));
    assert.equal(error.status, 500);
  });
});

describe('loadConfig: accepted configurations', () => {
  it('loads the tenant of DESIGN.md section 6 with its secrets from the environment', async () => {
    const path = await writeConfig({ tenants: [riverside()] });
    const config = await loadConfig({ path, env: riversideEnv });
    const [tenant] = config.tenants;
    assert.equal(tenant.id, 'riverside');
    assert.equal(tenant.ehr.vendor, 'epic');
    assert.equal(tenant.ehr.baseUrl, 'https://ehr.example.org/api/FHIR/R4');
    assert.equal(tenant.ehr.auth.method, 'private_key_jwt');
    if (tenant.ehr.auth.method !== 'private_key_jwt') return;
    assert.equal(tenant.ehr.auth.clientId, 'riverside-client');
    assert.equal(tenant.channels?.vapi?.secret, 'vapi-secret-value');
    assert.equal(tenant.mapping?.chiefComplaint.category, 'problem-list-item');
    assert.equal(tenant.routing?.[0].to.phone, '+16175550100');
    assert.deepEqual(config.source, { kind: 'file', path });
  });

  it('applies the documented defaults', async () => {
    const path = await writeConfig({
      tenants: [
        {
          id: 'minimal',
          ehr: {
            vendor: 'fhir-r4',
            baseUrl: 'https://fhir.example.org/r4/',
            auth: { method: 'private_key_jwt', clientId: 'minimal', keys: 'keys' },
          },
        },
      ],
    });
    const config = await loadConfig({ path, env: {} });
    const [tenant] = config.tenants;
    assert.deepEqual(config.server, { port: 8080, host: '127.0.0.1' });
    assert.deepEqual(config.sandbox, { port: 8090 });
    assert.equal(config.store.url, undefined);
    assert.equal(tenant.name, 'minimal');
    assert.equal(tenant.production, true);
    assert.equal(tenant.timeZone, 'America/New_York');
    assert.deepEqual(tenant.workflows, ['scheduling', 'identity', 'intake', 'insurance', 'routing']);
    assert.deepEqual(tenant.subprocessors, []);
    assert.equal(tenant.ehr.baseUrl, 'https://fhir.example.org/r4', 'trailing slash dropped');
    assert.equal(tenant.ehr.auth.method === 'private_key_jwt' && tenant.ehr.auth.alg, 'ES384');
  });

  it('reads the origins allowed to call /mcp from a browser as browsers send them', async () => {
    const path = await writeConfig({
      ...withTenant(() => {}),
      server: { mcpAllowedOrigins: ['http://localhost:6274/', 'https://Inspector.Example.com'] },
    });
    const config = await loadConfig({ path, env: riversideEnv });
    assert.deepEqual(config.server.mcpAllowedOrigins, [
      'http://localhost:6274',
      'https://inspector.example.com',
    ]);
  });

  it('resolves the key directory against the configuration file, not the working directory', async () => {
    const path = await writeConfig({ tenants: [riverside()] }, 'deploy/site-a');
    const config = await loadConfig({ path, cwd: tmpdir(), env: riversideEnv });
    const { auth } = config.tenants[0].ehr;
    assert.equal(auth.method === 'private_key_jwt' && auth.keys, join(dir, 'deploy/site-a/keys/riverside'));
  });

  it('finds a relative config path from cwd', async () => {
    await writeConfig({ tenants: [riverside()] }, 'relative');
    const config = await loadConfig({
      path: `relative/config-${fileCount}.yaml`,
      cwd: dir,
      env: riversideEnv,
    });
    assert.equal(config.tenants[0].id, 'riverside');
  });

  it('reads a file: secret relative to the configuration file and drops its trailing newline', async () => {
    await mkdir(join(dir, 'with-file-secret/secrets'), { recursive: true });
    await writeFile(join(dir, 'with-file-secret/secrets/mercy'), 'mercy-client-secret\n');
    const path = await writeConfig(
      withTenant((t) => {
        t.ehr.vendor = 'cerner';
        t.ehr.auth = { method: 'client_secret_basic', clientId: 'mercy', clientSecret: 'file:secrets/mercy' };
      }),
      'with-file-secret',
    );
    const config = await loadConfig({ path, cwd: tmpdir(), env: riversideEnv });
    const { auth } = config.tenants[0].ehr;
    assert.equal(auth.method === 'client_secret_basic' && auth.clientSecret, 'mercy-client-secret');
  });

  it('accepts plain http and auth none for the sandbox on loopback', async () => {
    for (const baseUrl of [
      'http://127.0.0.1:8090/fhir/R4',
      'http://localhost:8090/fhir/R4',
      'http://[::1]:8090/fhir/R4',
    ]) {
      const path = await writeConfig(
        withTenant((t) => {
          t.ehr.baseUrl = baseUrl;
          t.ehr.auth = { method: 'none' };
        }),
      );
      const config = await loadConfig({ path, env: riversideEnv });
      assert.equal(config.tenants[0].ehr.baseUrl, baseUrl);
    }
  });

  it('takes the store URL from DATABASE_URL when the file names none', async () => {
    const path = await writeConfig({ tenants: [riverside()] });
    const url = 'postgres://postgres@127.0.0.1:5432/test';
    const config = await loadConfig({ path, env: { ...riversideEnv, DATABASE_URL: url } });
    assert.equal(config.store.url, url);
  });

  it('resolves a sqlite store path against the configuration file', async () => {
    const path = await writeConfig(
      { tenants: [riverside()], store: { url: 'sqlite:./state/ehrgate.sqlite' } },
      'sq',
    );
    const config = await loadConfig({
      path,
      cwd: tmpdir(),
      env: { ...riversideEnv, DATABASE_URL: 'postgres://x@h/db' },
    });
    assert.equal(config.store.url, `sqlite:${join(dir, 'sq/state/ehrgate.sqlite')}`);
  });

  it('reads the path from EHRGATE_CONFIG when none is given', async () => {
    const path = await writeConfig({ tenants: [riverside()] });
    const config = await loadConfig({ env: { ...riversideEnv, EHRGATE_CONFIG: path } });
    assert.equal(config.tenants[0].id, 'riverside');
  });

  it('returns a deeply frozen configuration', async () => {
    const path = await writeConfig({ tenants: [riverside()] });
    const config: EhrgateConfig = await loadConfig({ path, env: riversideEnv });
    assert.ok(Object.isFrozen(config));
    assert.ok(Object.isFrozen(config.tenants[0].ehr.auth));
    assert.ok(Object.isFrozen(config.tenants[0].scheduling?.visitTypes[0].epic));
    assert.throws(() => {
      (config.tenants as unknown as unknown[]).push({});
    }, TypeError);
  });
});
