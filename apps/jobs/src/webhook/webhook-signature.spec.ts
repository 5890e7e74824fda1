import { createHmac } from 'node:crypto';
import { webhookHeaders, webhookSignature } from './webhook-signature';

describe('webhook signature', () => {
  const body = JSON.stringify({ job_id: 'j1', status: 'completed' });

  it('is the hex HMAC-SHA256 of the exact body, prefixed sha256=', () => {
    const expected = createHmac('sha256', 'hook-secret').update(body).digest('hex');
    expect(webhookSignature('hook-secret', body)).toBe(`sha256=${expected}`);
  });

  it('changes with the body and with the secret', () => {
    expect(webhookSignature('hook-secret', `${body} `)).not.toBe(webhookSignature('hook-secret', body));
    expect(webhookSignature('other-secret', body)).not.toBe(webhookSignature('hook-secret', body));
  });

  it('names the event and the delivery beside the signature', () => {
    expect(webhookHeaders('hook-secret', 'd-1', body)).toEqual({
      'content-type': 'application/json',
      'x-proctor-event': 'job.finished',
      'x-proctor-delivery': 'd-1',
      'x-proctor-signature': webhookSignature('hook-secret', body),
    });
  });
});
