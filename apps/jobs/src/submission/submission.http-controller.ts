import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { SUBMISSION_HEADERS } from '@proctor/auth';
import { JobView } from '@proctor/contracts';
import { SubmissionService } from './submission.service';

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
    @Body() zip: Buffer | undefined,
    @Headers(SUBMISSION_HEADERS.fields) fields: string | undefined,
    @Headers(SUBMISSION_HEADERS.submittedBy) submittedBy: string | undefined,
    @Headers(SUBMISSION_HEADERS.signature) signature: string | undefined,
  ): Promise<JobView> {
    return this.submissions.submit({ zip: zip ?? Buffer.alloc(0), fields, submittedBy, signature });
  }
}
