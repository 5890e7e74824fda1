/** The broker could not take a message: not connected, it refused it (nack), or nothing was bound for it. */
export class PublishError extends Error {
  constructor(
    message: string,
    readonly reason: 'not_connected' | 'nacked' | 'unroutable' | 'channel_closed',
  ) {
    super(message);
    this.name = 'PublishError';
  }
}
