import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiHeader, ApiOkResponse, ApiParam, ApiProduces, ApiQuery, ApiResponse } from '@nestjs/swagger';

/** The JobSpec keys a submit form may carry as text fields (the jobs service reads them; `proctor.yml` in the zip gives the rest). */
const SPEC_FIELDS: Record<string, { description: string; example: string }> = {
  image: { description: 'container image', example: 'proctor-runner:latest' },
  command: { description: 'a JSON array of strings, or a shell command line', example: '["sh","-c","make test"]' },
  env: { description: 'a JSON object of strings', example: '{"CI":"true"}' },
  timeout_seconds: { description: 'an integer', example: '600' },
  cpus: { description: 'a number', example: '1.5' },
  memory_mb: { description: 'an integer', example: '512' },
  pids: { description: 'an integer', example: '256' },
  network: { description: 'none or bridge', example: 'none' },
  artifacts: { description: 'paths in the workspace: a JSON array, or comma-separated', example: '["reports/junit.xml"]' },
  priority: { description: 'an integer, -100 to 100', example: '0' },
  labels: { description: 'a JSON object of strings, or key=value pairs separated by commas', example: 'team=net' },
  retries: { description: 'an integer, 0 to 5', example: '1' },
  webhook_url: { description: 'http(s) URL POSTed the finished job', example: 'https://ci.example.com/hooks/proctor' },
};

const SSE_DESCRIPTION =
  'Server-sent events, one `data: <json>` line each: `{"type":"log","data":"..."}` (with `id: <attempt>-<seq>`, ' +
  'for resuming by Last-Event-ID), then `{"type":"complete","success":true|false,"status":"..."}` and the end of the response. ' +
  'Comment lines (`: keep-alive`) keep a quiet stream open.';

/** A multipart submission: the zip in `file`, JobSpec keys as optional text fields. */
export function ApiSubmission(): MethodDecorator {
  return applyDecorators(
    ApiConsumes('multipart/form-data'),
    ApiBody({
      schema: {
        type: 'object',
        required: ['file'],
        properties: { file: { type: 'string', format: 'binary', description: 'the project zip (a proctor.yml at its root may hold the spec)' }, ...spec() },
      },
    }),
    ApiResponse({ status: 400, description: 'no file, a bad form, or a zip or spec the jobs service refuses (job_archive_invalid, job_spec_invalid)' }),
    ApiResponse({ status: 413, description: 'job_archive_too_large: the zip is over JOBS_MAX_ARCHIVE_BYTES' }),
  );
}

/** A `text/event-stream` answer of job events; `jobIdFirst` for `/submit-stream`. */
export function ApiJobEventStream(jobIdFirst = false): MethodDecorator {
  const first = jobIdFirst ? 'First `{"type":"job_id","job_id":"..."}`. ' : '';
  return applyDecorators(
    ApiProduces('text/event-stream'),
    ApiOkResponse({ description: first + SSE_DESCRIPTION, content: { 'text/event-stream': { schema: { type: 'string' } } } }),
  );
}

/** `?from_beginning=` and `Last-Event-ID` of a stream. */
export function ApiStreamStart(): MethodDecorator {
  return applyDecorators(
    ApiParam({ name: 'id', format: 'uuid' }),
    ApiQuery({ name: 'from_beginning', required: false, type: Boolean, description: 'replay the stored log first (default false: only what comes from now on)' }),
    ApiHeader({ name: 'Last-Event-ID', required: false, description: 'resume right after this event (`<attempt>-<seq>`), with nothing repeated or missed' }),
    ApiResponse({ status: 404, description: 'job_not_found, before any event' }),
  );
}

function spec() {
  return Object.fromEntries(Object.entries(SPEC_FIELDS).map(([name, field]) => [name, { type: 'string', ...field }]));
}
