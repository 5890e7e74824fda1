import type { Message } from 'amqplib';
import { BatchedAcks } from './batched-acks';

function delivery(tag: number): Message {
  return { fields: { deliveryTag: tag }, properties: {}, content: Buffer.alloc(0) } as unknown as Message;
}

function setUp() {
  const acks: { tag: number; allUpTo: boolean }[] = [];
  const flushes: (() => void)[] = [];
  const batch = new BatchedAcks({ ack: (m: Message, allUpTo?: boolean) => acks.push({ tag: m.fields.deliveryTag, allUpTo: allUpTo === true }) }, (f) => flushes.push(f));
  return { acks, flushes, batch };
}

describe('BatchedAcks', () => {
  it('acks the deliveries finished in one turn with one multiple ack', () => {
    const { acks, flushes, batch } = setUp();
    const [a, b, c] = [delivery(1), delivery(2), delivery(3)];
    for (const m of [a, b, c]) batch.received(m);
    batch.done(a);
    batch.done(b);
    batch.done(c);
    expect(flushes).toHaveLength(1);
    flushes[0]();
    expect(acks).toEqual([{ tag: 3, allUpTo: true }]);
  });

  it('never acks past a delivery still being handled: those finished behind it are acked one by one', () => {
    const { acks, batch } = setUp();
    const [a, b, c, d] = [delivery(1), delivery(2), delivery(3), delivery(4)];
    for (const m of [a, b, c, d]) batch.received(m);
    batch.done(a);
    batch.done(c);
    batch.done(d);
    expect(batch.flush()).toBe(3);
    expect(acks).toEqual([
      { tag: 1, allUpTo: true },
      { tag: 3, allUpTo: false },
      { tag: 4, allUpTo: false },
    ]);
    batch.done(b);
    expect(batch.flush()).toBe(1);
    expect(acks[3]).toEqual({ tag: 2, allUpTo: true });
    expect(batch.flush()).toBe(0);
  });

  it('lets a stuck delivery hold only its own slot: the ones after it are still acked', () => {
    const { acks, batch } = setUp();
    const [stuck, b] = [delivery(1), delivery(2)];
    batch.received(stuck);
    batch.received(b);
    batch.done(b);
    expect(batch.flush()).toBe(1);
    expect(acks).toEqual([{ tag: 2, allUpTo: false }]);
  });

  it('schedules one flush per turn, and again after it ran', () => {
    const { flushes, batch } = setUp();
    const [a, b] = [delivery(1), delivery(2)];
    batch.received(a);
    batch.received(b);
    batch.done(a);
    flushes[0]();
    batch.done(b);
    expect(flushes).toHaveLength(2);
  });

  it('shrugs off a channel that closed before the flush', () => {
    const batch = new BatchedAcks(
      {
        ack: () => {
          throw new Error('Channel closed');
        },
      },
      () => undefined,
    );
    const a = delivery(1);
    batch.received(a);
    batch.done(a);
    expect(batch.flush()).toBe(1);
  });
});
