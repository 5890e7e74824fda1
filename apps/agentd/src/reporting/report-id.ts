import { JobReport, TaskReport } from '@proctor/contracts';
import { createHash } from 'node:crypto';

/** The key kind of a job claim (`POST /v1/agent/jobs/{id}/claim`). */
export const JOB_CLAIM = 'job.claim';

/** The UUID namespace of agentd's report ids (RFC 9562 name-based, version 5). */
const REPORT_NAMESPACE = '6f1c2b0e-4d1a-5c7e-9a43-2f8e0b7d5c11';

/**
 * The one id of a report: the AMQP messageId (the consumer's inbox key) and, when the report goes
 * over HTTP instead, its Idempotency-Key. Derived from (agent, task, attempt, kind) rather than
 * drawn at random, so that every retry, over either transport and even after a daemon restart,
 * is recognised as the same report and applied once. A UUID because the gateway expects one.
 * A job claim is keyed the same way, so that a claim repeated after a lost answer gets that answer.
 */
export function reportId(agentId: string, taskId: string, attempt: number, kind: TaskReport | JobReport | typeof JOB_CLAIM): string {
  const namespace = Buffer.from(REPORT_NAMESPACE.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(namespace).update(`${agentId}/${taskId}/${attempt}/${kind}`).digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
