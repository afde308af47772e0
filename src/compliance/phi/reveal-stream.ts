// Reveals tokens in streamed LLM output before speech. A token can arrive split across chunks
// ("[NA" + "ME_4821" + "07]"); the stream holds back a trailing fragment that could still become
// a token and releases it once completed or proven not to be one. Unknown tokens pass through
// unchanged: speech never hears another call's PHI, and a stray token is not worth a dropped turn.
import type { PhiFirewall } from './firewall.ts';

const MAX_TOKEN_CHARS = '[MEMBER_ID_999999999999]'.length;
const PARTIAL = /\[[A-Z_]*\d*$/;

export function createRevealStream(firewall: PhiFirewall, callId: string): TransformStream<string, string> {
  let pending = '';
  return new TransformStream<string, string>({
    transform(chunk, controller) {
      let text = pending + chunk;
      pending = '';
      const open = text.lastIndexOf('[');
      if (open >= 0 && text.indexOf(']', open) < 0) {
        const tail = text.slice(open);
        if (tail.length < MAX_TOKEN_CHARS && PARTIAL.test(tail)) {
          pending = tail;
          text = text.slice(0, open);
        }
      }
      if (text !== '') controller.enqueue(firewall.reveal(callId, text, { unknownTokens: 'keep' }));
    },
    flush(controller) {
      if (pending !== '') controller.enqueue(firewall.reveal(callId, pending, { unknownTokens: 'keep' }));
    },
  });
}
