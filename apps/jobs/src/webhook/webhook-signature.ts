import { createHmac } from 'node:crypto';

export const WEBHOOK_EVENT = 'job.finished';

/** `sha256=<hex>`: the HMAC-SHA256 of the exact body sent, keyed with JOBS_WEBHOOK_SECRET (GitHub's convention). */
export function webhookSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** The headers of one delivery; the delivery id stays the same across retries, so a receiver can drop a repeat. */
export function webhookHeaders(secret: string, deliveryId: string, body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-proctor-event': WEBHOOK_EVENT,
    'x-proctor-delivery': deliveryId,
    'x-proctor-signature': webhookSignature(secret, body),
  };
}
