import { NotFoundException } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { httpStatusFor, ProctorError } from '@proctor/contracts';
import { errorResponse } from './error-envelope';

describe('errorResponse', () => {
  it('maps a domain code to its status and keeps message and details', () => {
    const r = errorResponse(new ProctorError('agent_not_found', 'no agent with id a1', { id: 'a1' }), 'req-1');
    expect(r).toEqual({
      status: 404,
      body: { error: 'agent_not_found', message: 'no agent with id a1', details: { id: 'a1' }, request_id: 'req-1' },
      headers: {},
      expected: true,
    });
  });

  it('makes a missed deadline a 503', () => {
    expect(errorResponse(new ProctorError('deadline_exceeded', 'agents.get did not answer')).status).toBe(503);
  });

  it('answers 426 with an Upgrade header for an unsupported API version', () => {
    const r = errorResponse(new ProctorError('unsupported_api_version', 'x', { supported: ['1'] }));
    expect(r.status).toBe(426);
    expect(r.headers.Upgrade).toBe('proctor-api/1');
  });

  it('wraps framework errors: unknown route, rate limit, body too large', () => {
    expect(errorResponse(new NotFoundException('Cannot GET /nope')).body).toEqual({ error: 'not_found', message: 'Cannot GET /nope' });
    expect(errorResponse(new ThrottlerException()).body.error).toBe('rate_limited');
    const tooLarge = errorResponse({ statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE', message: 'Request body is too large' });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error).toBe('payload_too_large');
  });

  it('hides an unexpected error behind a bare 500', () => {
    const r = errorResponse(new TypeError('secret internals'));
    expect(r).toMatchObject({ status: 500, body: { error: 'internal', message: 'internal error' }, expected: false });
    expect(JSON.stringify(r.body)).not.toContain('secret internals');
  });

  it('gives an unknown code from a newer service a 500 but keeps its words', () => {
    expect(errorResponse(new ProctorError('brand_new_code', 'm')).status).toBe(500);
  });
});

describe('httpStatusFor', () => {
  it('uses the status codes of DESIGN.md', () => {
    expect(httpStatusFor('validation_failed' as never)).toBe(400);
    expect(httpStatusFor('agent_name_taken' as never)).toBe(409);
    expect(httpStatusFor('idempotency_key_reused' as never)).toBe(422);
    expect(httpStatusFor('payload_too_large' as never)).toBe(413);
    expect(httpStatusFor('rate_limited' as never)).toBe(429);
  });
});
