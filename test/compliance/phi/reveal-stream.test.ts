import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPhiFirewall, createRevealStream } from '../../../src/compliance/phi/index.ts';

async function pipeChunks(stream: TransformStream<string, string>, chunks: string[]): Promise<string[]> {
  const out: string[] = [];
  const reading = (async () => {
    for await (const piece of stream.readable) out.push(piece);
  })();
  const writer = stream.writable.getWriter();
  for (const c of chunks) await writer.write(c);
  await writer.close();
  await reading;
  return out;
}

describe('reveal stream', () => {
  it('reassembles a token split across output chunks before speech', async () => {
    const fw = createPhiFirewall({ randomId: () => 482_107 });
    const { text } = fw.protect('call-1', 'My name is Maria Lopez.');
    assert.equal(text, 'My name is [NAME_482107].');
    const out = await pipeChunks(createRevealStream(fw, 'call-1'), [
      'Thanks, [NA',
      'ME_48',
      '2107]',
      ', see you Tuesday.',
    ]);
    assert.equal(out.join(''), 'Thanks, Maria Lopez, see you Tuesday.');
    assert.ok(
      out.every((piece) => !piece.includes('[')),
      JSON.stringify(out),
    );
  });

  it('releases a held-back bracket that never becomes a token', async () => {
    const fw = createPhiFirewall();
    const out = await pipeChunks(createRevealStream(fw, 'call-1'), ['Options [A', ' or B]', ' and [']);
    assert.equal(out.join(''), 'Options [A or B] and [');
  });

  it("speaks another call's token as it is, never its value", async () => {
    const fw = createPhiFirewall();
    const foreign = fw.protect('call-a', 'My name is Maria Lopez.').spans[0].token;
    const out = await pipeChunks(createRevealStream(fw, 'call-b'), [`Hello ${foreign}`]);
    assert.equal(out.join(''), `Hello ${foreign}`);
  });
});
