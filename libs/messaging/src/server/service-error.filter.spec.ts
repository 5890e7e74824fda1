import { NotFoundException } from '@nestjs/common';
import { JobErrorCode, ProctorError } from '@proctor/contracts';
import { httpErrorEnvelope } from './service-error.filter';

describe('httpErrorEnvelope', () => {
  it('keeps a domain error and answers the status the gateway would', () => {
    const error = new ProctorError(JobErrorCode.ArchiveInvalid, 'the archive is not a readable zip', { reason: 'malformed' });
    expect(httpErrorEnvelope(error)).toEqual({
      status: 400,
      body: { error: 'job_archive_invalid', message: 'the archive is not a readable zip', details: { reason: 'malformed' } },
    });
    expect(httpErrorEnvelope(new ProctorError(JobErrorCode.ArchiveTooLarge, 'too big')).status).toBe(413);
  });

  it('gives errors of the framework the code of their status', () => {
    expect(httpErrorEnvelope(new NotFoundException('Cannot GET /nope'))).toEqual({ status: 404, body: { error: 'not_found', message: 'Cannot GET /nope' } });
    const fastify = Object.assign(new Error('Unsupported Media Type: text/csv'), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' });
    expect(httpErrorEnvelope(fastify)).toEqual({ status: 415, body: { error: 'validation_failed', message: 'Unsupported Media Type: text/csv' } });
  });

  it('says nothing of an unexpected error', () => {
    expect(httpErrorEnvelope(new TypeError('secret internals'))).toEqual({ status: 500, body: { error: 'internal', message: 'internal error' } });
  });
});
