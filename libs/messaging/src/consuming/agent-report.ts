import { AGENT_ID_HEADER } from '@proctor/contracts';
import { ClassConstructor } from 'class-transformer';
import { readPayload } from './message-payload';

/** The payload class of each report routing key; every daemon report names the agent that sent it. */
export type ReportClasses = Record<string, ClassConstructor<{ agent_id: string }>>;

/** One report, validated, tagged with its routing key (so that a switch on `kind` narrows `report`). */
export type AgentReport<M extends ReportClasses> = { [K in keyof M & string]: { kind: K; report: InstanceType<M[K]> } }[keyof M & string];

export type AgentReportReading<M extends ReportClasses> = ({ ok: true } & AgentReport<M>) | { ok: false; reason: string };

/**
 * Reads a daemon's report as the RPC path's validation pipe would (unknown fields refused), by the
 * class of its routing key, and checks that the `x-agent-id` header, when present, names the same
 * agent as the payload. A refusal says why, for the dead letter. `subject` names the reports in it
 * ("not a task report: ...").
 */
export function readAgentReport<M extends ReportClasses>(classes: M, subject: string, routingKey: string, content: Buffer, agentHeader: unknown): AgentReportReading<M> {
  if (!Object.hasOwn(classes, routingKey)) return { ok: false, reason: `not a ${subject} report: ${routingKey}` };
  const reading = readPayload(content, classes[routingKey]);
  if (!reading.ok) return reading;
  if (typeof agentHeader === 'string' && agentHeader !== reading.payload.agent_id) {
    return { ok: false, reason: `${AGENT_ID_HEADER} ${agentHeader} does not match agent_id ${reading.payload.agent_id}` };
  }
  return { ok: true, kind: routingKey, report: reading.payload } as AgentReportReading<M>;
}
