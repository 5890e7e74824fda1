import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { SUBMISSION_HEADERS, signSubmission } from '@proctor/auth';
import { ArtifactLinkView, CommonErrorCode, isErrorBody, JobView, ProctorError } from '@proctor/contracts';
import { RequestContext } from '@proctor/observability';
import http, { ClientRequest, IncomingMessage } from 'node:http';
import https from 'node:https';
import type { JobsApiConfig } from '../gateway-config';
import { artifactPathOnJobsService } from './artifact-download';
import type { ArchiveSink } from './multipart-submission';

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
  /**
   * Submissions get sockets of their own, as many as there are uploads: each holds its socket for
   * as long as its client takes to send, so a few slow clients must not queue every other
   * submission and every artifact download behind them.
   */
  private readonly submissionAgent: http.Agent;
  private readonly transport: typeof http | typeof https;

  constructor(private readonly config: Pick<JobsApiConfig, 'url' | 'signingSecret' | 'submitTimeoutMs'>) {
    const secure = config.url.startsWith('https:');
    this.transport = secure ? https : http;
    this.agent = secure ? new https.Agent({ keepAlive: true, maxSockets: 64 }) : new http.Agent({ keepAlive: true, maxSockets: 64 });
    this.submissionAgent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  }

  /**
   * `POST /internal/jobs`, its body the zip as the client's upload brings it (chunked), the
   * submitter in a header, and in trailers after the body the form's fields and the signature over
   * them, the zip's SHA-256 and the submitter: the jobs service checks it once the body is in, so
   * the body is bound to what was signed.
   */
  openSubmission(submittedBy: string): ArchiveSink {
    const headers = {
      'content-type': 'application/zip',
      [SUBMISSION_HEADERS.submittedBy]: submittedBy,
      trailer: `${SUBMISSION_HEADERS.fields}, ${SUBMISSION_HEADERS.signature}`,
    };
    const { req, response } = this.open('POST', '/internal/jobs', headers, this.submissionAgent);
    // A client whose upload stalls holds a socket to the jobs service: give it up after the same time as an answer.
    req.setTimeout(this.config.submitTimeoutMs, () => {
      req.destroy(new ProctorError(CommonErrorCode.ServiceUnavailable, `the submission stalled for ${this.config.submitTimeoutMs} ms`, { timeout_ms: this.config.submitTimeoutMs }));
    });
    return new SubmissionUpload(req, response, (fields, sha256) => {
      const encoded = Buffer.from(JSON.stringify(fields)).toString('base64url');
      return { [SUBMISSION_HEADERS.fields]: encoded, [SUBMISSION_HEADERS.signature]: signSubmission(this.config.signingSecret, { body: { sha256 }, fields: encoded, submittedBy }) };
    });
  }

  /** The bytes of an artifact, by the signed link the jobs service gave (fetched on its port as the gateway knows it). */
  openArtifact(link: ArtifactLinkView): Promise<IncomingMessage> {
    const { req, response } = this.open('GET', artifactPathOnJobsService(link.url), {});
    req.end();
    return response;
  }

  onApplicationShutdown(): void {
    this.agent.destroy();
    this.submissionAgent.destroy();
  }

  /**
   * A request whose body the caller writes and ends; its response once its status is a success
   * (an error answer becomes the error it names). The deadline runs from the end of the body up to
   * the response head: a body streamed from a client may take the client's time.
   */
  private open(method: string, path: string, headers: Record<string, string>, agent = this.agent): { req: ClientRequest; response: Promise<IncomingMessage> } {
    const timeoutMs = this.config.submitTimeoutMs;
    const requestId = RequestContext.requestId();
    const req = this.transport.request(`${this.config.url}${path}`, {
      method,
      agent,
      headers: requestId ? { ...headers, 'x-request-id': requestId } : headers,
    });
    const response = new Promise<IncomingMessage>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let answered = false;
      req.on('finish', () => {
        if (answered) return;
        timer = setTimeout(() => {
          req.destroy(new ProctorError(CommonErrorCode.ServiceUnavailable, `the jobs service did not answer within ${timeoutMs} ms`, { timeout_ms: timeoutMs }));
        }, timeoutMs);
      });
      req.on('error', (e) => {
        clearTimeout(timer);
        reject(e instanceof ProctorError ? e : new ProctorError(CommonErrorCode.ServiceUnavailable, `the jobs service is not reachable: ${e.message}`));
      });
      req.on('response', (response) => {
        answered = true;
        clearTimeout(timer);
        const status = response.statusCode ?? 500;
        if (status < 300) return resolve(response);
        void this.errorOf(method, path, response).then(reject, reject);
      });
    });
    return { req, response };
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

/**
 * A submission's body on its way to the jobs service. Writes wait while the socket is full (the
 * client's upload waits with them); once the request has failed they are dropped, and finish
 * answers the failure.
 */
class SubmissionUpload implements ArchiveSink {
  private failed = false;

  constructor(
    private readonly req: ClientRequest,
    private readonly response: Promise<IncomingMessage>,
    private readonly trailers: (fields: Record<string, string>, sha256: string) => Record<string, string>,
  ) {
    // Seen here at once, so that a failure while the form is still being read is not an unhandled rejection.
    response.catch(() => (this.failed = true));
  }

  async write(chunk: Buffer): Promise<void> {
    if (this.failed || this.req.destroyed) return;
    if (!this.req.write(chunk)) await drainedOrClosed(this.req);
  }

  async finish(fields: Record<string, string>, sha256: string): Promise<JobView> {
    if (!this.req.destroyed) {
      this.req.addTrailers(this.trailers(fields, sha256));
      this.req.end();
    }
    const response = await this.response;
    return JSON.parse((await readBody(response, MAX_VIEW_BODY_BYTES)).toString('utf8')) as JobView;
  }

  abort(): void {
    this.req.destroy();
  }
}

function drainedOrClosed(req: ClientRequest): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      req.off('drain', done);
      req.off('close', done);
      resolve();
    };
    req.on('drain', done);
    req.on('close', done);
  });
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
