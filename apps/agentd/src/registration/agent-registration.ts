import { AgentRegistrationView, RegisterAgentRequest } from '@proctor/contracts';
import { backoffDelay } from '@proctor/messaging';
import { JsonLogger } from '@proctor/observability';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { agentExitFor } from '../gateway/agent-exit';
import { GatewayClient } from '../gateway/gateway-client';
import { GatewayError } from '../gateway/gateway-error';

export interface RegistrationOptions {
  logger: JsonLogger;
  signal: AbortSignal;
  retryBaseMs?: number;
  retryMaxMs?: number;
}

const CONTEXT = 'Registration';

/**
 * `POST /v1/agent/register` until it is answered: the daemon can do nothing before, and a gateway
 * that is down or refuses the key today may be fixed tomorrow, so it waits (with backoff, up to
 * 30 s apart) rather than exits, and says why in every log line. The body and its Idempotency-Key
 * stay the same across these retries: it is one logical request. Only what a wait cannot fix
 * (404: agent deleted, 426: version) ends it, by throwing.
 */
export async function registerAgent(gateway: GatewayClient, request: RegisterAgentRequest, options: RegistrationOptions): Promise<AgentRegistrationView> {
  const key = randomUUID();
  for (let attempt = 0; ; attempt++) {
    try {
      const view = await gateway.post<AgentRegistrationView>('/v1/agent/register', request, { idempotencyKey: key, signal: options.signal });
      if (!view || typeof view.agent_id !== 'string' || typeof view.queue !== 'string') {
        throw new GatewayError(502, 'bad_answer', 'the registration answer has no agent_id or queue');
      }
      options.logger.log(
        {
          msg: 'registered',
          agent_id: view.agent_id,
          queue: view.queue,
          heartbeat_interval_seconds: view.heartbeat_interval_seconds,
          held_tasks: request.held_tasks?.length ?? 0,
          keep: view.keep?.length ?? 0,
          drop: view.drop?.length ?? 0,
        },
        CONTEXT,
      );
      return view;
    } catch (e) {
      const error = e instanceof GatewayError ? e : new GatewayError(null, 'internal', (e as Error).message);
      if (error.code === 'abandoned' || agentExitFor(error)) throw error;
      const delay = backoffDelay(attempt, options.retryBaseMs ?? 1000, options.retryMaxMs ?? 30_000);
      const hint = error.status === 401 ? ' (the gateway refused this name and key: check the agent exists and the key is the one shown at its creation)' : '';
      options.logger.error({ msg: `registration failed, retrying${hint}`, status: error.status, code: error.code, error: error.message, retry_in_ms: delay }, CONTEXT);
      await sleep(delay, undefined, { signal: options.signal }).catch(() => {
        throw new GatewayError(null, 'abandoned', 'registration abandoned: the daemon is stopping');
      });
    }
  }
}
