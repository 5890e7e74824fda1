/** How an error travels in an RPC reply and in the HTTP envelope. */
export interface ErrorBody {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/**
 * The one typed error of Proctor: a code from a domain's enum, a human readable message and
 * details. Services throw it; it crosses the broker as an ErrorBody; the gateway maps its code to
 * an HTTP status. `instanceof` does not survive a process boundary, the code does.
 */
export class ProctorError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ProctorError';
  }

  toBody(): ErrorBody {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }

  static fromBody(body: ErrorBody): ProctorError {
    return new ProctorError(body.code, body.message, body.details);
  }
}

export function isErrorBody(value: unknown): value is ErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ErrorBody).code === 'string' &&
    typeof (value as ErrorBody).message === 'string'
  );
}
