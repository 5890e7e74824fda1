import type { Channel } from 'amqplib';
import { BrokerNames } from './broker-names';
import { deadQueueArguments, durableQueueArguments } from './queue-arguments';

/** Declares the exchanges of DESIGN.md. Idempotent: every process declares them at start. */
export async function declareExchanges(channel: Channel, names: BrokerNames): Promise<void> {
  await channel.assertExchange(names.rpcExchange, 'direct', { durable: true });
  await channel.assertExchange(names.unroutedExchange, 'fanout', { durable: true });
  await channel.assertExchange(names.eventsExchange, 'topic', {
    durable: true,
    alternateExchange: names.unroutedExchange,
  });
  await channel.assertExchange(names.deadLetterExchange, 'topic', { durable: true });
  await channel.assertExchange(names.agentsExchange, 'direct', { durable: true });
  await channel.assertExchange(names.hostsExchange, 'direct', { durable: true });
  await channel.assertExchange(names.reportsExchange, 'topic', { durable: true });
  await channel.assertExchange(names.logsExchange, 'topic', { durable: true });
  await channel.assertQueue(names.unroutedQueue, {
    durable: true,
    arguments: { 'x-queue-type': 'quorum', 'x-max-length': 100000, 'x-message-ttl': 7 * 24 * 3600 * 1000 },
  });
  await channel.bindQueue(names.unroutedQueue, names.unroutedExchange, '');
}

/** A durable work queue, its `.dead` queue, and the dead-letter binding between them. */
export async function declareDurableQueue(
  channel: Channel,
  names: BrokerNames,
  queue: string,
  deliveryLimit: number,
): Promise<void> {
  const dead = names.deadQueue(queue);
  await channel.assertQueue(dead, { durable: true, arguments: deadQueueArguments() });
  await channel.bindQueue(dead, names.deadLetterExchange, queue);
  await channel.assertQueue(queue, { durable: true, arguments: durableQueueArguments(names.deadLetterExchange, queue, deliveryLimit) });
}
