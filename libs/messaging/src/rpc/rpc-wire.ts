import type { ErrorBody } from '@proctor/contracts';

/** The body of an RPC reply: the handler's result, or the error it threw as code, message and details. */
export type RpcReply = { ok: true; data: unknown } | { ok: false; error: ErrorBody };

/** Headers every Proctor message may carry. */
export const MessageHeader = {
  RequestId: 'x-request-id',
  /** Epoch milliseconds after which the caller has stopped waiting. */
  Deadline: 'x-deadline',
  DeadReason: 'x-proctor-dead-reason',
  Attempts: 'x-proctor-attempts',
  OriginalRoutingKey: 'x-proctor-original-routing-key',
} as const;

export const DEFAULT_RPC_TIMEOUT_MS = 5000;
