import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { WebhookDelivery } from './webhook-delivery.entity';

@Injectable()
export class WebhookDeliveryRepository {
  constructor(@InjectRepository(WebhookDelivery) private readonly deliveries: Repository<WebhookDelivery>) {}

  /** Owed with the finish that announces it, in the same transaction. */
  async add(manager: EntityManager, delivery: { job_id: string; url: string; payload: object }): Promise<void> {
    await manager.insert(WebhookDelivery, delivery);
  }

  /**
   * Takes the due deliveries for `leaseSeconds` (their next attempt moves past the lease), so that
   * no other replica takes them meanwhile and no transaction stays open over a POST. A process that
   * dies mid-POST leaves them to be taken again when the lease ends.
   */
  claimDue(limit: number, leaseSeconds: number): Promise<WebhookDelivery[]> {
    return this.deliveries.query(
      `UPDATE webhook_deliveries SET next_attempt_at = now() + make_interval(secs => $2)
        WHERE id IN (
          SELECT id FROM webhook_deliveries
           WHERE delivered_at IS NULL AND gave_up_at IS NULL AND next_attempt_at <= now()
           ORDER BY next_attempt_at
           LIMIT $1
           FOR UPDATE SKIP LOCKED)
        RETURNING *`,
      [limit, leaseSeconds],
    ).then(([rows]: [WebhookDelivery[], number]) => rows);
  }

  async markDelivered(id: string): Promise<void> {
    await this.deliveries.query(`UPDATE webhook_deliveries SET delivered_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = $1`, [id]);
  }

  async markRetry(id: string, error: string, delayMs: number): Promise<void> {
    await this.deliveries.query(
      `UPDATE webhook_deliveries SET attempts = attempts + 1, last_error = $2, next_attempt_at = now() + make_interval(secs => $3) WHERE id = $1`,
      [id, error, delayMs / 1000],
    );
  }

  async markGaveUp(id: string, error: string): Promise<void> {
    await this.deliveries.query(`UPDATE webhook_deliveries SET attempts = attempts + 1, last_error = $2, gave_up_at = now() WHERE id = $1`, [id, error]);
  }

  /** When the next pending delivery is due, if any. */
  async nextDueAt(): Promise<Date | null> {
    const [row]: { at: Date | null }[] = await this.deliveries.query(
      `SELECT min(next_attempt_at) AS at FROM webhook_deliveries WHERE delivered_at IS NULL AND gave_up_at IS NULL`,
    );
    return row?.at ?? null;
  }
}
