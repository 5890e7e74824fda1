import type { FastifyReply } from 'fastify';
import type { ServerResponse } from 'node:http';
import { KEEP_ALIVE_FRAME } from './sse-frames';

export interface SseSettings {
  keepAliveMs: number;
  /** Unsent bytes a client may hold before it is dropped. */
  maxBufferedBytes: number;
}

/** Counts of what streams do, kept by whoever opens them (metrics). */
export interface SseCounters {
  opened(): void;
  closed(): void;
  framesSent(count: number): void;
  dropped(): void;
}

/**
 * One open `text/event-stream` response, taken over from Fastify (hijacked: Nest and Fastify no
 * longer answer it). Writes never queue without bound: a client that does not read, and so holds
 * more than the allowed unsent bytes, is dropped (it may come back with Last-Event-ID).
 */
export class SseConnection {
  private readonly raw: ServerResponse;
  private readonly keepAlive: NodeJS.Timeout;
  private readonly closeListeners: (() => void)[] = [];
  private open = true;

  constructor(
    reply: FastifyReply,
    private readonly settings: SseSettings,
    private readonly counters: SseCounters,
  ) {
    // Headers Fastify hooks set (the request id) go out with the stream's own.
    const inherited = reply.getHeaders() as Record<string, string | string[] | number>;
    reply.hijack();
    this.raw = reply.raw;
    this.raw.writeHead(200, {
      ...inherited,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // Proxies that buffer responses (nginx) would hold events back.
      'x-accel-buffering': 'no',
    });
    this.raw.flushHeaders();
    this.raw.on('close', () => this.closed());
    this.keepAlive = setInterval(() => this.write(KEEP_ALIVE_FRAME, false), settings.keepAliveMs);
    counters.opened();
  }

  get isOpen(): boolean {
    return this.open;
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  /** Writes one frame; false when the client is gone or was dropped for not reading. */
  write(frame: string, counted = true): boolean {
    if (!this.open) return false;
    if (this.raw.writableLength > this.settings.maxBufferedBytes) {
      this.counters.dropped();
      this.raw.destroy();
      this.closed();
      return false;
    }
    this.raw.write(frame);
    if (counted) this.counters.framesSent(1);
    return true;
  }

  /** Ends the response (after the complete event, or when the stream cannot go on). */
  end(): void {
    if (!this.open) return;
    this.raw.end();
    this.closed();
  }

  private closed(): void {
    if (!this.open) return;
    this.open = false;
    clearInterval(this.keepAlive);
    this.counters.closed();
    for (const listener of this.closeListeners.splice(0)) listener();
  }
}
