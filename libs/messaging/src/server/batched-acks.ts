import type { Channel, Message } from 'amqplib';

/**
 * The acks of one consuming channel, sent as one `multiple` ack per event-loop turn instead of one
 * frame per delivery (RabbitMQ spends about as much on a lone ack as on routing the request). The
 * multiple ack covers only the deliveries up to the first one still being handled: a delivery in
 * progress is never acked by another's completion, so a crash hands back exactly the unfinished
 * ones, as one ack each did. Finished deliveries behind an unfinished one are acked one by one, so
 * that a slow (or stuck) request holds its own prefetch slot and no other.
 */
export class BatchedAcks {
  /** Deliveries in the order the broker sent them (tags increase), and whether each is finished. */
  private readonly delivered = new Map<number, { message: Message; done: boolean }>();
  private scheduled = false;

  constructor(
    private readonly channel: Pick<Channel, 'ack'>,
    private readonly schedule: (flush: () => void) => void = (flush) => setImmediate(flush),
  ) {}

  /** Call on every delivery, in the order received. */
  received(message: Message): void {
    this.delivered.set(message.fields.deliveryTag, { message, done: false });
  }

  /** The delivery is finished with; acked at the end of this turn once every earlier one is too. */
  done(message: Message): void {
    const entry = this.delivered.get(message.fields.deliveryTag);
    if (!entry) return;
    entry.done = true;
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => this.flush());
  }

  /** Acks every finished delivery (one multiple ack up to the first unfinished one, the rest one by one); returns how many. */
  flush(): number {
    this.scheduled = false;
    let lastOfPrefix: Message | undefined;
    let prefix = 0;
    const behindUnfinished: Message[] = [];
    let blocked = false;
    for (const [tag, entry] of this.delivered) {
      if (!entry.done) {
        blocked = true;
        continue;
      }
      this.delivered.delete(tag);
      if (blocked) behindUnfinished.push(entry.message);
      else {
        lastOfPrefix = entry.message;
        prefix++;
      }
    }
    try {
      if (lastOfPrefix) this.channel.ack(lastOfPrefix, true);
      for (const message of behindUnfinished) this.channel.ack(message);
    } catch {
      // The channel is gone: the broker hands back whatever it had not seen acked, as it would have anyway.
    }
    return prefix + behindUnfinished.length;
  }
}
