// The FHIR client's own overhead: the same Patient read through createFhirClient and through a
// bare fetch on an equally configured keep-alive agent, against the sandbox EHR running in its
// own process (so the two sides do not share an event loop).
import { Agent } from 'undici';
import { createFhirClient } from '../src/fhir/index.ts';
import { startEmbeddedSandbox } from '../src/server/embedded-sandbox.ts';
import type { Benchmark } from './lib/harness.ts';
import { measureLatency } from './lib/harness.ts';

const WARMUP = 500;
const SEQUENTIAL = 3_000;
const CONCURRENT = 6_000;
const CONCURRENCY = 32;

const bench: Benchmark = {
  title: 'FHIR client vs bare fetch (read)',
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
      const bare = async () => {
        const response = await fetch(url, {
          headers: { accept: 'application/fhir+json' },
          dispatcher,
        } as RequestInit);
        if (!response.ok) throw new Error(`bare fetch got ${response.status}`);
        return response.json();
      };
      const viaClient = () => client.read('Patient', id);

      await measureLatency(WARMUP, 8, bare);
      await measureLatency(WARMUP, 8, viaClient);
      const bareSeq = await measureLatency(SEQUENTIAL, 1, bare);
      const clientSeq = await measureLatency(SEQUENTIAL, 1, viaClient);
      const bareConc = await measureLatency(CONCURRENT, CONCURRENCY, bare);
      const clientConc = await measureLatency(CONCURRENT, CONCURRENCY, viaClient);

      return [
        { name: 'sequential p50, bare fetch', value: bareSeq.p50, unit: 'ms' },
        { name: 'sequential p50, client', value: clientSeq.p50, unit: 'ms' },
        { name: 'sequential p99, bare fetch', value: bareSeq.p99, unit: 'ms' },
        { name: 'sequential p99, client', value: clientSeq.p99, unit: 'ms' },
        {
          name: 'client overhead per read (p50)',
          value: (clientSeq.p50 - bareSeq.p50) * 1000,
          unit: 'µs',
        },
        { name: 'client/fetch p50 ratio', value: clientSeq.p50 / bareSeq.p50, unit: 'x' },
        {
          name: `throughput, bare fetch (${CONCURRENCY} concurrent)`,
          value: bareConc.perSecond,
          unit: 'req/s',
        },
        {
          name: `throughput, client (${CONCURRENCY} concurrent)`,
          value: clientConc.perSecond,
          unit: 'req/s',
        },
        {
          name: 'client/fetch throughput ratio',
          value: clientConc.perSecond / bareConc.perSecond,
          unit: 'x',
          note: 'the sandbox (one process) is the bottleneck here',
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
