/** Error codes every service and the gateway may answer with. Codes cross process boundaries as strings. */
export enum CommonErrorCode {
  ValidationFailed = 'validation_failed',
  Unauthorized = 'unauthorized',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  Conflict = 'conflict',
  PayloadTooLarge = 'payload_too_large',
  IdempotencyKeyReused = 'idempotency_key_reused',
  IdempotencyInProgress = 'idempotency_in_progress',
  UnsupportedApiVersion = 'unsupported_api_version',
  RateLimited = 'rate_limited',
  DeadlineExceeded = 'deadline_exceeded',
  ServiceUnavailable = 'service_unavailable',
  Internal = 'internal',
}
