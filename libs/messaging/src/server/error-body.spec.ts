import { BadRequestException } from '@nestjs/common';
import { ProctorError } from '@proctor/contracts';
import { toErrorBody } from './error-body';

describe('toErrorBody', () => {
  it('keeps the code, message and details of a ProctorError', () => {
    expect(toErrorBody(new ProctorError('agent_not_found', 'no agent a1', { id: 'a1' }))).toEqual({
      body: { code: 'agent_not_found', message: 'no agent a1', details: { id: 'a1' } },
      expected: true,
    });
  });

  it('hides the internals of an unexpected error', () => {
    const { body, expected } = toErrorBody(new TypeError('cannot read x of undefined at /srv/app.js:12'));
    expect(body).toEqual({ code: 'internal', message: 'internal error' });
    expect(expected).toBe(false);
  });

  it('treats a framework 400 as a validation failure', () => {
    expect(toErrorBody(new BadRequestException('bad')).body.code).toBe('validation_failed');
  });
});
