import type { ChannelModel } from 'amqplib';
import { PassThrough, Writable } from 'node:stream';
import { corkMuxPasses } from './corked-mux';

// amqplib's own Mux, fed by two channel buffers, writing to a socket stand-in that records its writes.
const { Mux } = require('amqplib/lib/mux') as { Mux: new (out: Writable) => { pipeFrom(s: PassThrough): void; _readIncoming(): void } };

function socket() {
  const writes: Buffer[][] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writes.push([chunk]);
      done();
    },
    writev(chunks, done) {
      writes.push(chunks.map((c) => c.chunk as Buffer));
      done();
    },
  });
  return { stream, writes };
}

async function passOf(corked: boolean) {
  const { stream, writes } = socket();
  const muxer = new Mux(stream);
  if (corked) expect(corkMuxPasses({ connection: { muxer, stream } } as unknown as ChannelModel)).toBe(true);
  const channels = [new PassThrough({ objectMode: true }), new PassThrough({ objectMode: true })];
  for (const channel of channels) muxer.pipeFrom(channel);
  channels[0].write(Buffer.from('reply'));
  channels[1].write(Buffer.from('ack'));
  channels[0].write(Buffer.from('reply-2'));
  await new Promise((r) => setTimeout(r, 20));
  return writes.map((w) => w.map((b) => b.toString()));
}

describe('corkMuxPasses', () => {
  it('writes the frames of one Mux pass with one writev, in the same order', async () => {
    const plain = await passOf(false);
    const corked = await passOf(true);
    expect(plain.length).toBeGreaterThan(1);
    expect(corked).toEqual([plain.flat()]);
  });

  it('leaves a connection without the expected internals alone', () => {
    expect(corkMuxPasses({ connection: {} } as unknown as ChannelModel)).toBe(false);
  });
});
