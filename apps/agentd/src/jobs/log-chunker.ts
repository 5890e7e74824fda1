import { StringDecoder } from 'node:string_decoder';

export interface LogChunkerOptions {
  /** A chunk is cut once this many bytes are pending. */
  maxBytes: number;
  /** ...or this long after the first byte of a chunk arrived, whichever comes first. */
  maxDelayMs: number;
  emit(data: string): void;
}

/** Sizes that keep a chunk well within a message and a viewer's latency low. */
export const DEFAULT_CHUNK_BYTES = 32 * 1024;
export const DEFAULT_CHUNK_DELAY_MS = 25;

/**
 * Cuts a container's output into log chunks by size and by time: a chatty job makes few large
 * messages, a quiet one shows each line within `maxDelayMs`. Bytes are decoded as UTF-8 across
 * chunk borders (a character split between two reads is emitted whole, in the later chunk), and the
 * TTY's CRLF line ends become LF, as they were written (a CR alone, as progress bars use, is kept).
 */
export class LogChunker {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private timer?: NodeJS.Timeout;
  private readonly decoder = new StringDecoder('utf8');
  /** A CR at the end of a chunk: whether it is half of a CRLF is known only with the next byte. */
  private carriageReturn = false;
  private ended = false;

  constructor(private readonly options: LogChunkerOptions) {}

  push(bytes: Buffer): void {
    if (this.ended || bytes.length === 0) return;
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    while (this.pendingBytes >= this.options.maxBytes) this.cut(this.options.maxBytes);
    if (this.pendingBytes > 0 && !this.timer) this.timer = setTimeout(() => this.flush(), this.options.maxDelayMs);
  }

  /** Emits what is pending now. */
  flush(): void {
    if (this.pendingBytes > 0) this.cut(this.pendingBytes);
  }

  /** The output is over: emits the rest, a partial character and a trailing CR included. */
  end(): void {
    if (this.ended) return;
    this.flush();
    this.ended = true;
    const rest = (this.carriageReturn ? '\r' : '') + this.decoder.end();
    this.carriageReturn = false;
    if (rest !== '') this.options.emit(rest);
  }

  private cut(bytes: number): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const all = Buffer.concat(this.pending, this.pendingBytes);
    const taken = all.subarray(0, bytes);
    const left = all.subarray(bytes);
    this.pending = left.length > 0 ? [Buffer.from(left)] : [];
    this.pendingBytes = left.length;

    let text = (this.carriageReturn ? '\r' : '') + this.decoder.write(taken);
    this.carriageReturn = text.endsWith('\r');
    if (this.carriageReturn) text = text.slice(0, -1);
    text = text.replace(/\r\n/g, '\n');
    if (text !== '') this.options.emit(text);
    if (this.pendingBytes > 0 && this.pendingBytes < this.options.maxBytes) {
      this.timer = setTimeout(() => this.flush(), this.options.maxDelayMs);
    }
  }
}
