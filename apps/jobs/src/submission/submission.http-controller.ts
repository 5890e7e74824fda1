import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { SUBMISSION_HEADERS } from '@proctor/auth';
import { JobView } from '@proctor/contracts';
import { createHash } from 'node:crypto';
import { HashedBody } from '../http/raw-body-parser';
import { SubmissionService } from './submission.service';

const EMPTY_BODY: HashedBody = { bytes: Buffer.alloc(0), sha256: createHash('sha256').digest('hex') };

/**
 * `POST /internal/jobs`: the gateway forwards a submit form here, the zip as an `application/zip`
 * body and the rest in signed headers. Not for clients: they submit through the gateway.
 */
@Controller('internal/jobs')
export class SubmissionController {
  constructor(private readonly submissions: SubmissionService) {}

  @Post()
  @HttpCode(201)
  submit(
    @Body() archive: HashedBody | undefined,
    @Headers(SUBMISSION_HEADERS.fields) fields: string | undefined,
    @Headers(SUBMISSION_HEADERS.submittedBy) submittedBy: string | undefined,
    @Headers(SUBMISSION_HEADERS.signature) signature: string | undefined,
  ): Promise<JobView> {
    return this.submissions.submit({ archive: archive ?? EMPTY_BODY, fields, submittedBy, signature });
  }
}
