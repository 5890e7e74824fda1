import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { SUBMISSION_HEADERS } from '@proctor/auth';
import { JobView } from '@proctor/contracts';
import type { FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { HashedBody } from '../http/raw-body-parser';
import { SubmissionService } from './submission.service';

const EMPTY_BODY: HashedBody = { bytes: Buffer.alloc(0), sha256: createHash('sha256').digest('hex') };

/**
 * A submission header, from the trailers when the body carried it there: the gateway streams the
 * zip as the client uploads it, so the fields and the signature (over the zip's SHA-256) can only
 * follow it. Either way the signature is checked over the values taken.
 */
export function submissionHeader(name: string, headers: IncomingHttpHeaders, trailers: Record<string, string | undefined>): string | undefined {
  const value = trailers[name] ?? headers[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * `POST /internal/jobs`: the gateway forwards a submit form here, the zip as an `application/zip`
 * body and the rest in signed headers or trailers. Not for clients: they submit through the gateway.
 */
@Controller('internal/jobs')
export class SubmissionController {
  constructor(private readonly submissions: SubmissionService) {}

  @Post()
  @HttpCode(201)
  submit(@Body() archive: HashedBody | undefined, @Req() request: FastifyRequest): Promise<JobView> {
    // The body has been read to its end by now (addHashedBodyParser), so its trailers are in.
    const header = (name: string) => submissionHeader(name, request.headers, request.raw.trailers);
    return this.submissions.submit({
      archive: archive ?? EMPTY_BODY,
      fields: header(SUBMISSION_HEADERS.fields),
      submittedBy: header(SUBMISSION_HEADERS.submittedBy),
      signature: header(SUBMISSION_HEADERS.signature),
    });
  }
}
