// The FHIR client's own overhead: the same Patient read through createFhirClient and through a
// bare undici request() on an equally configured keep-alive agent, the transport the client uses
// (src/fhir/lib/transport.ts), against the sandbox EHR running in its own process (so the two
// sides do not share an event loop). A bare fetch is measured beside them: it is what the client
// used before, and what it would cost to go back.
import { Agent } from 'undici';
import { createFhirClient } from '../src/fhir/index.ts';
import { startEmbeddedSandbox } from '../src/server/embedded-sandbox.ts';
import type { Benchmark, LatencySummary } from './lib/harness.ts';
import { measureLatency } from './lib/harness.ts';

const WARMUP = 500;
const SEQUENTIAL = 3_000;
const CONCURRENT = 6_000;
const CONCURRENCY = 32;

const bench: Benchmark = {
  title: 'FHIR client vs bare HTTP (read)',
  async run() {
    const sandbox = await startEmbeddedSandbox({ port: 0, host: '127.0.0.1', extraArgs: ['--no-auth'] });
    const base = `${sandbox.url}/fhir/R4`;
    const client = createFhirClient({ baseUrl: base });
    const dispatcher = new Agent({ keepAliveTimeout: 30_000 });
    try {
      const seed = (await (await fetch(`${sandbox.url}/_sandbox/seed`)).json()) as {
        patients: { id: string }[];
      };
      const id = seed.patients[0].id;
      const url = `${base}/Patient/${id}`;
      const headers = { accept: 'application/fhir+json' };
      const bareRequest = async () => {
        const response = await dispatcher.request({
          origin: new URL(url).origin,
          path: new URL(url).pathname,
          method: 'GET',
          headers,
        });
        if (response.statusCode !== 200) throw new Error(`bare request got ${response.statusCode}`);
        return response.body.json();
      };
      const bareFetch = async () => {
        const response = await fetch(url, { headers, dispatcher } as RequestInit);
        if (!response.ok) throw new Error(`bare fetch got ${response.status}`);
        return response.json();
      };
      const viaClient = () => client.read('Patient', id);

      const ways = [
        ['bare request()', bareRequest],
        ['bare fetch', bareFetch],
        ['client', viaClient],
      ] as const;
      for (const [, read] of ways) await measureLatency(WARMUP, 8, read);
      const sequential = new Map<string, LatencySummary>();
      const concurrent = new Map<string, LatencySummary>();
      for (const [name, read] of ways) sequential.set(name, await measureLatency(SEQUENTIAL, 1, read));
      for (const [name, read] of ways)
        concurrent.set(name, await measureLatency(CONCURRENT, CONCURRENCY, read));
      const seq = (name: string) => sequential.get(name) as LatencySummary;
      const conc = (name: string) => concurrent.get(name) as LatencySummary;

      return [
        ...ways.map(([name]) => ({ name: `sequential p50, ${name}`, value: seq(name).p50, unit: 'ms' })),
        ...ways.map(([name]) => ({ name: `sequential p99, ${name}`, value: seq(name).p99, unit: 'ms' })),
        {
          name: 'client overhead per read over bare request() (p50)',
          value: (seq('client').p50 - seq('bare request()').p50) * 1000,
          unit: 'µs',
          note: 'the token, timeout, retry policy and error mapping of the client',
        },
        ...ways.map(([name]) => ({
          name: `throughput, ${name} (${CONCURRENCY} concurrent)`,
          value: conc(name).perSecond,
          unit: 'req/s',
        })),
        {
          name: 'client/bare fetch throughput ratio',
          value: conc('client').perSecond / conc('bare fetch').perSecond,
          unit: 'x',
          note: 'fetch spends more CPU per request than the sandbox does',
        },
      ];
    } finally {
      await client.close();
      await dispatcher.close();
      await sandbox.stop();
    }
  },
};

export default bench;
