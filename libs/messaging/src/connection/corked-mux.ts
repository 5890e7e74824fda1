import type { ChannelModel } from 'amqplib';

interface Muxed {
  muxer?: { _readIncoming?: () => void };
  stream?: { cork?: () => void; uncork?: () => void };
}

/**
 * amqplib gathers the frames of all its channels in a Mux and writes each frame to the socket with
 * its own `write` (a syscall and, often, a TCP segment for the broker to read). Corking the socket
 * for one pass of the Mux sends everything queued since the last pass (requests, replies, acks) in
 * one `writev`: same bytes, same order, fewer syscalls on both ends. Returns whether it applied;
 * an amqplib whose internals differ is left as it is.
 */
export function corkMuxPasses(model: ChannelModel): boolean {
  const connection = (model as unknown as { connection?: Muxed }).connection;
  const muxer = connection?.muxer;
  const stream = connection?.stream;
  if (typeof muxer?._readIncoming !== 'function' || typeof stream?.cork !== 'function' || typeof stream.uncork !== 'function') return false;
  const pass = muxer._readIncoming.bind(muxer);
  const cork = stream.cork.bind(stream);
  const uncork = stream.uncork.bind(stream);
  muxer._readIncoming = () => {
    cork();
    try {
      pass();
    } finally {
      uncork();
    }
  };
  return true;
}
