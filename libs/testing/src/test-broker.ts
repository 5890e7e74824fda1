import * as amqp from 'amqplib';
import { randomBytes } from 'node:crypto';

export const TEST_AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** A namespace of its own for one test file, so that files run in parallel on one broker. */
export function testNamespace(): string {
  return `t${randomBytes(4).toString('hex')}`;
}

/** Deletes the queues and exchanges a test created under its namespace. */
export async function deleteBrokerNames(queues: string[], exchanges: string[]): Promise<void> {
  const conn = await amqp.connect(TEST_AMQP_URL, { noDelay: true });
  try {
    for (const q of queues) {
      const ch = await conn.createChannel();
      ch.on('error', () => undefined);
      await ch.deleteQueue(q).catch(() => undefined);
      await ch.close().catch(() => undefined);
    }
    for (const x of exchanges) {
      const ch = await conn.createChannel();
      ch.on('error', () => undefined);
      await ch.deleteExchange(x).catch(() => undefined);
      await ch.close().catch(() => undefined);
    }
  } finally {
    await conn.close();
  }
}
