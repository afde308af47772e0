// `ehrgate phi protect [--json] [--policy strict|standard]`: one utterance per stdin line, each
// protected line to stdout in order, so anyone can run the firewall over their own transcripts.
// All lines share one call, as the lines of a transcript do; the vault is destroyed at the end.
import { createInterface } from 'node:readline';
import type { PhiPolicy } from '../compliance/phi/index.ts';
import { createPhiFirewall } from '../compliance/phi/index.ts';

export type PhiProtectOptions = { json?: boolean; policy?: PhiPolicy };

export async function phiProtectCommand(
  options: PhiProtectOptions,
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stdout,
): Promise<void> {
  const firewall = createPhiFirewall({ policy: options.policy ?? 'standard' });
  const callId = 'cli';
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) {
      const result = firewall.protect(callId, line);
      const out = options.json
        ? JSON.stringify({
            text: result.text,
            spans: result.spans.map((s) => ({
              type: s.type,
              start: s.start,
              end: s.end,
              token: s.token,
              source: s.source,
            })),
          })
        : result.text;
      if (!output.write(`${out}\n`)) await new Promise((resolve) => output.once('drain', resolve));
    }
  } finally {
    firewall.endCall(callId);
  }
}
