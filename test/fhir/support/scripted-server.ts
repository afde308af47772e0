// A real HTTP server on 127.0.0.1:0 that answers from a script, for FHIR client tests. It is a
// stand-in for an EHR, not a mock of our code: the client under test speaks real HTTP to it.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RecordedRequest = {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
};

export type Reply =
  | {
      status: number;
      /** A list is sent as that header repeated. */
      headers?: Record<string, string | string[]>;
      /** An object is sent as JSON with content-type application/fhir+json unless headers say otherwise. */
      body?: unknown;
    }
  /** Destroy the socket after reading the request: the client sees a reset after sending. */
  | { reset: true }
  /** Never answer (until the server closes): the client's timeout must fire. */
  | { hang: true };

export type Script = (req: RecordedRequest, index: number) => Reply | Promise<Reply>;

export type ScriptedServer = {
  /** http://127.0.0.1:port */
  origin: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
};

/** Answers with `replies` in order (the last one repeats), or with a function of the request. */
export async function startScriptedServer(script: Script | readonly Reply[]): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = [];
  const answer: Script =
    typeof script === 'function' ? script : (_req, i) => script[Math.min(i, script.length - 1)];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const index = requests.push(recorded) - 1;
      Promise.resolve(answer(recorded, index)).then(
        (reply) => {
          if ('reset' in reply) req.socket.destroy();
          else if (!('hang' in reply)) send(res, reply);
        },
        () => req.socket.destroy(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(
  res: ServerResponse,
  reply: { status: number; headers?: Record<string, string | string[]>; body?: unknown },
): void {
  const headers: Record<string, string | string[]> = { ...reply.headers };
  let payload = '';
  if (typeof reply.body === 'string') {
    payload = reply.body;
  } else if (reply.body !== undefined) {
    payload = JSON.stringify(reply.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['content-type'] = 'application/fhir+json';
    }
  }
  res.writeHead(reply.status, headers);
  res.end(payload);
}

/** A port on 127.0.0.1 with nothing listening: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
