/**
 * A gateway call that did not succeed: an HTTP error answer (with the envelope's code, message and
 * details), or no answer at all (`status` null: network error or timeout).
 */
export class GatewayError extends Error {
  constructor(
    readonly status: number | null,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'GatewayError';
  }

  /** The error envelope `{error, message, details}` of a non-2xx answer; any other body is kept as text. */
  static fromAnswer(status: number, bodyText: string): GatewayError {
    try {
      const body = JSON.parse(bodyText) as unknown;
      if (body && typeof body === 'object' && !Array.isArray(body)) {
        const envelope = body as Record<string, unknown>;
        const details = envelope.details && typeof envelope.details === 'object' ? (envelope.details as Record<string, unknown>) : {};
        return new GatewayError(
          status,
          typeof envelope.error === 'string' ? envelope.error : `http_${status}`,
          typeof envelope.message === 'string' ? envelope.message : `the gateway answered ${status}`,
          details,
        );
      }
    } catch {
      // Not JSON: a proxy in front of the gateway, say. Keep the start of what it said.
    }
    return new GatewayError(status, `http_${status}`, `the gateway answered ${status}: ${bodyText.slice(0, 200)}`);
  }
}
