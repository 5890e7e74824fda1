/**
 * Arguments of a durable work queue: a quorum queue (replicated, survives a broker restart) whose
 * poison messages leave after `deliveryLimit` deliveries for `<queue>.dead`, dead-lettered
 * at-least-once (which needs `reject-publish` overflow) so that none is lost on the way.
 */
export function durableQueueArguments(deadLetterExchange: string, queue: string, deliveryLimit: number): Record<string, unknown> {
  return {
    'x-queue-type': 'quorum',
    'x-delivery-limit': deliveryLimit,
    'x-dead-letter-exchange': deadLetterExchange,
    // Each queue's dead letters are routed by the queue's own name: two queues bound to the same
    // event must not receive each other's poison messages.
    'x-dead-letter-routing-key': queue,
    'x-dead-letter-strategy': 'at-least-once',
    'x-overflow': 'reject-publish',
  };
}

export function deadQueueArguments(): Record<string, unknown> {
  return { 'x-queue-type': 'quorum' };
}
