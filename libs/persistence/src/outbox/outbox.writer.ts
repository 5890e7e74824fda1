import { Injectable } from '@nestjs/common';
import { RequestContext } from '@proctor/observability';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { OutboxMessage } from './outbox-message.entity';
import { outboxChannel } from './outbox-channel';

export const OUTBOX_SCHEMA = Symbol('OUTBOX_SCHEMA');

/**
 * Records an event inside the caller's transaction. The event exists exactly when the state it
 * announces is committed; the relay publishes it afterwards. NOTIFY is delivered on commit only, so
 * the relay wakes for committed rows and never for rolled-back ones.
 */
@Injectable()
export class OutboxWriter {
  constructor(private readonly schema: string) {}

  async add(manager: EntityManager, routingKey: string, payload: unknown): Promise<string> {
    const messageId = randomUUID();
    const requestId = RequestContext.requestId();
    await manager.insert(OutboxMessage, {
      message_id: messageId,
      routing_key: routingKey,
      payload: payload as object,
      headers: requestId ? { 'x-request-id': requestId } : {},
    });
    await manager.query('SELECT pg_notify($1, $2)', [outboxChannel(this.schema), '']);
    return messageId;
  }

  /** Records several events with one insert and one notification (a batch that changes many rows at once). */
  async addMany(manager: EntityManager, events: { routingKey: string; payload: unknown }[]): Promise<string[]> {
    if (events.length === 0) return [];
    const requestId = RequestContext.requestId();
    const rows = events.map((event) => ({
      message_id: randomUUID(),
      routing_key: event.routingKey,
      payload: event.payload as object,
      headers: requestId ? { 'x-request-id': requestId } : {},
    }));
    await manager.insert(OutboxMessage, rows);
    await manager.query('SELECT pg_notify($1, $2)', [outboxChannel(this.schema), '']);
    return rows.map((r) => r.message_id);
  }
}
