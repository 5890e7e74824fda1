import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { IdempotencyKey } from './idempotency-key.entity';
import { IdempotencyDecision, RecordedRequest, decideOnRecorded } from './idempotency-decision';
import { IDEMPOTENCY_SETTINGS, IdempotencySettings } from './idempotency-settings';

export type IdempotencyClaim = { kind: 'owner' } | IdempotencyDecision;

/** TypeORM answers an UPDATE/DELETE ... RETURNING with `[rows, count]`, anything else with the rows. */
function rowsOf<T>(result: unknown): T[] {
  const rows = result as unknown[];
  return Array.isArray(rows[0]) ? (rows[0] as T[]) : (rows as T[]);
}

/** The gateway's table of idempotency keys: the only code that touches it. */
@Injectable()
export class IdempotencyStore {
  constructor(
    @InjectRepository(IdempotencyKey) private readonly keys: Repository<IdempotencyKey>,
    @Inject(IDEMPOTENCY_SETTINGS) private readonly settings: IdempotencySettings,
  ) {}

  /**
   * Takes the key for this request (one statement, so two requests racing get one owner), or says
   * what the request finds: a replay, another body, or the first still running. An expired key is
   * as good as absent; a key left in progress past its lock (its gateway died) is taken over by the
   * same request.
   */
  async claim(scope: string, key: string, requestHash: string): Promise<IdempotencyClaim> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const claimed: unknown[] = await this.keys.query(
        `INSERT INTO idempotency_keys (scope, key, request_hash, state, locked_until, expires_at)
         VALUES ($1, $2, $3, 'in_progress', now() + make_interval(secs => $4), now() + make_interval(hours => $5))
         ON CONFLICT (scope, key) DO UPDATE SET
           request_hash = EXCLUDED.request_hash, state = 'in_progress', status_code = NULL, response = NULL,
           locked_until = EXCLUDED.locked_until, expires_at = EXCLUDED.expires_at, created_at = now()
         WHERE idempotency_keys.expires_at <= now()
            OR (idempotency_keys.state = 'in_progress' AND idempotency_keys.locked_until <= now()
                AND idempotency_keys.request_hash = EXCLUDED.request_hash)
         RETURNING 1`,
        [scope, key, requestHash, this.settings.lockSeconds, this.settings.ttlHours],
      );
      if (claimed.length > 0) return { kind: 'owner' };
      const recorded: RecordedRequest[] = await this.keys.query(
        `SELECT request_hash, state, status_code, response FROM idempotency_keys WHERE scope = $1 AND key = $2`,
        [scope, key],
      );
      // Released between the two statements: try to take it again.
      if (recorded[0]) return decideOnRecorded(recorded[0], requestHash);
    }
    return { kind: 'in_progress' };
  }

  /** Records the answer; from now on every retry gets it. */
  async complete(scope: string, key: string, statusCode: number, response: unknown): Promise<void> {
    await this.keys.query(
      `UPDATE idempotency_keys SET state = 'done', status_code = $3, response = $4::jsonb, locked_until = NULL
       WHERE scope = $1 AND key = $2 AND state = 'in_progress'`,
      [scope, key, statusCode, response === undefined ? null : JSON.stringify(response)],
    );
  }

  /** Forgets a key whose request applied nothing (or whose outcome is unknown): a retry runs again. */
  async release(scope: string, key: string): Promise<void> {
    await this.keys.query(`DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND state = 'in_progress'`, [scope, key]);
  }

  /** Deletes up to `batch` expired keys; how many it deleted. */
  async deleteExpired(batch: number): Promise<number> {
    const result: unknown = await this.keys.query(
      `DELETE FROM idempotency_keys WHERE (scope, key) IN (
         SELECT scope, key FROM idempotency_keys WHERE expires_at <= now() LIMIT $1
       ) RETURNING 1`,
      [batch],
    );
    return rowsOf(result).length;
  }
}
