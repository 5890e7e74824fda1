import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { SUBMISSION_HEADERS, signSubmission } from '@proctor/auth';
import { ArtifactLinkView, CommonErrorCode, isErrorBody, JobView, ProctorError } from '@proctor/contracts';
import { RequestContext } from '@proctor/observability';
import http, { IncomingMessage } from 'node:http';
import https from 'node:https';
import type { JobsApiConfig } from '../gateway-config';
import { artifactPathOnJobsService } from './artifact-download';
import { SubmissionForm } from './submission-form';

/** Longest error answer read from the jobs service; an envelope is far smaller. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
const MAX_VIEW_BODY_BYTES = 1024 * 1024;

/**
 * The jobs service's HTTP port, for what is too big for the broker: a submission's zip goes there
 * (signed, so that only the gateway may submit), and artifacts come from there. Keep-alive
 * connections; a service that does not answer in time is a 503, and its own error envelope is
 * passed through with its code (and so its status).
 */
export class JobsServiceClient implements OnApplicationShutdown {
  private readonly logger = new Logger('JobsServiceClient');
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;

  constructor(private readonly config: Pick<JobsApiConfig, 'url' | 'signingSecret' | 'submitTimeoutMs'>) {
    const secure = config.url.startsWith('https:');
    this.transport = secure ? https : http;
    this.agent = secure ? new https.Agent({ keepAlive: true, maxSockets: 64 }) : new http.Agent({ keepAlive: true, maxSockets: 64 });
  }

  /** `POST /internal/jobs`: the job is queued once this answers 201 with its view. */
  async submit(form: SubmissionForm, submittedBy: string): Promise<JobView> {
    const fields = Buffer.from(JSON.stringify(form.fields)).toString('base64url');
    const headers = {
      'content-type': 'application/zip',
      'content-length': String(form.archive.bytes.length),
      [SUBMISSION_HEADERS.fields]: fields,
      [SUBMISSION_HEADERS.submittedBy]: submittedBy,
      [SUBMISSION_HEADERS.signature]: signSubmission(this.config.signingSecret, { body: form.archive, fields, submittedBy }),
    };
    const response = await this.request('POST', '/internal/jobs', headers, form.archive.bytes);
    return JSON.parse((await readBody(response, MAX_VIEW_BODY_BYTES)).toString('utf8')) as JobView;
  }

  /** The bytes of an artifact, by the signed link the jobs service gave (fetched on its port as the gateway knows it). */
  openArtifact(link: ArtifactLinkView): Promise<IncomingMessage> {
    return this.request('GET', artifactPathOnJobsService(link.url), {});
  }

  onApplicationShutdown(): void {
    this.agent.destroy();
  }

  /** The response once its status is a success; an error answer becomes the error it names. */
  private request(method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<IncomingMessage> {
    const timeoutMs = this.config.submitTimeoutMs;
    const requestId = RequestContext.requestId();
    return new Promise<IncomingMessage>((resolve, reject) => {
      const req = this.transport.request(`${this.config.url}${path}`, {
        method,
        agent: this.agent,
        headers: requestId ? { ...headers, 'x-request-id': requestId } : headers,
      });
      // The whole exchange up to the response head; a body being streamed back is not cut by it.
      const timer = setTimeout(() => {
        req.destroy(new ProctorError(CommonErrorCode.ServiceUnavailable, `the jobs service did not answer within ${timeoutMs} ms`, { timeout_ms: timeoutMs }));
      }, timeoutMs);
      req.on('error', (e) => {
        clearTimeout(timer);
        reject(e instanceof ProctorError ? e : new ProctorError(CommonErrorCode.ServiceUnavailable, `the jobs service is not reachable: ${e.message}`));
      });
      req.on('response', (response) => {
        clearTimeout(timer);
        const status = response.statusCode ?? 500;
        if (status < 300) return resolve(response);
        void this.errorOf(method, path, response).then(reject, reject);
      });
      req.end(body);
    });
  }

  private async errorOf(method: string, path: string, response: IncomingMessage): Promise<ProctorError> {
    const status = response.statusCode ?? 500;
    const text = (await readBody(response, MAX_ERROR_BODY_BYTES).catch(() => Buffer.alloc(0))).toString('utf8');
    let envelope: unknown;
    try {
      envelope = JSON.parse(text);
    } catch {
      envelope = undefined;
    }
    const body = envelope as { error?: unknown; message?: unknown; details?: Record<string, unknown> } | undefined;
    if (status === 401) {
      // The signature was refused: the gateway and the jobs service disagree on JOBS_SIGNING_SECRET.
      this.logger.error({ msg: 'the jobs service refused the gateway signature; check JOBS_SIGNING_SECRET on both', method, path });
    }
    if (body && typeof body.error === 'string' && typeof body.message === 'string') {
      return ProctorError.fromBody({ code: body.error, message: body.message, details: body.details });
    }
    if (isErrorBody(envelope)) return ProctorError.fromBody(envelope);
    return new ProctorError(CommonErrorCode.ServiceUnavailable, `the jobs service answered ${status}`, { status });
  }
}

function readBody(response: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        response.destroy(new Error(`the jobs service answered more than ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => resolve(Buffer.concat(chunks)));
    response.on('error', reject);
  });
}
