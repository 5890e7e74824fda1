/**
 * Whether the daemon should claim its work over HTTP: only once it has not been consuming its
 * queue for `graceMs`. A broker blip of a second or two (a reconnect, a channel recycled) is
 * ridden out on AMQP; claiming at once would flap between the two transports.
 */
export class BrokerOutage {
  /** Since when the daemon has not been consuming; undefined while it consumes. */
  private downSince: number | undefined;

  constructor(
    private readonly graceMs: number,
    nowMs: number,
  ) {
    // Until the first consume succeeds, the daemon is as good as cut off.
    this.downSince = nowMs;
  }

  consuming(): void {
    this.downSince = undefined;
  }

  notConsuming(nowMs: number): void {
    this.downSince ??= nowMs;
  }

  claimOverHttp(nowMs: number): boolean {
    return this.downSince !== undefined && nowMs - this.downSince >= this.graceMs;
  }
}
