import type { ConsumeMessage } from 'amqplib';
import { ConfirmPublisher } from '../publishing/confirm-publisher';
import { MessageHeader } from '../rpc/rpc-wire';
import { BrokerNames } from '../topology/broker-names';

/**
 * Parks a message in `<queue>.dead` (the dead-letter exchange, routed by the queue's name) with why
 * and after how many deliveries, confirmed. Resolves only once the broker holds it, so the caller
 * may then ack the original; if it rejects, the caller must not ack. `content` parks one item of a
 * message that carries several instead of the whole message (with the original's headers). A whole
 * message keeps its `type`, so that a replay is read as what it is (a batch stays a batch); an item
 * goes without the batch's type.
 */
export function publishDeadLetter(
  publisher: ConfirmPublisher,
  names: BrokerNames,
  queue: string,
  msg: ConsumeMessage,
  reason: string,
  attempt: number,
  messageId = msg.properties.messageId as string | undefined,
  content = msg.content,
): Promise<void> {
  return publisher.publish(names.deadLetterExchange, queue, content, {
    messageId,
    persistent: true,
    contentType: msg.properties.contentType as string | undefined,
    type: content === msg.content ? (msg.properties.type as string | undefined) : undefined,
    headers: {
      ...(msg.properties.headers ?? {}),
      [MessageHeader.DeadReason]: reason,
      [MessageHeader.Attempts]: attempt,
      [MessageHeader.OriginalRoutingKey]: msg.fields.routingKey,
    },
  });
}
