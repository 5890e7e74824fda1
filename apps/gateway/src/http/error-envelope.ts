import { HttpException } from '@nestjs/common';
import { API_UPGRADE_HEADER_VALUE } from '@proctor/auth';
import { codeForHttpStatus, CommonErrorCode, httpStatusFor, isKnownErrorCode, ProctorError } from '@proctor/contracts';

/** DESIGN.md's error envelope, with the request id a user quotes when reporting it. */
export interface ErrorEnvelope {
  error: string;
  message: string;
  details?: Record<string, unknown>;
  request_id?: string;
}

export interface ErrorResponse {
  status: number;
  body: ErrorEnvelope;
  headers: Record<string, string>;
  /** False for errors nobody anticipated: logged in full, answered with a bare 500. */
  expected: boolean;
}

interface FrameworkError {
  statusCode?: number;
  code?: string;
  message?: string;
}

/** Maps anything thrown while serving a request to the envelope and status a client gets. */
export function errorResponse(error: unknown, requestId?: string): ErrorResponse {
  const withId = (body: Omit<ErrorEnvelope, 'request_id'>): ErrorEnvelope => (requestId ? { ...body, request_id: requestId } : body);
  if (error instanceof ProctorError) {
    const status = isKnownErrorCode(error.code) ? httpStatusFor(error.code) : 500;
    const headers: Record<string, string> = {};
    if (error.code === CommonErrorCode.UnsupportedApiVersion) headers.Upgrade = API_UPGRADE_HEADER_VALUE;
    if (error.code === CommonErrorCode.RateLimited && typeof error.details?.retry_after_seconds === 'number') {
      headers['Retry-After'] = String(error.details.retry_after_seconds);
    }
    const body = error.details ? { error: error.code, message: error.message, details: error.details } : { error: error.code, message: error.message };
    return { status, body: withId(body), headers, expected: status !== 500 };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    return { status, body: withId({ error: codeForHttpStatus(status), message: error.message }), headers: {}, expected: status < 500 };
  }
  const framework = error as FrameworkError;
  if (typeof framework?.statusCode === 'number' && framework.statusCode >= 400 && framework.statusCode < 500) {
    // Raised by Fastify before routing: a body over the limit, malformed JSON, an unsupported type.
    const status = framework.statusCode;
    return { status, body: withId({ error: codeForHttpStatus(status), message: framework.message ?? 'bad request' }), headers: {}, expected: true };
  }
  return { status: 500, body: withId({ error: CommonErrorCode.Internal, message: 'internal error' }), headers: {}, expected: false };
}
