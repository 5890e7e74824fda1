import { IsInt, IsUUID, Min } from 'class-validator';
import { readAgentReport } from './agent-report';

class ProbeReport {
  @IsUUID()
  agent_id: string;

  @IsInt()
  @Min(1)
  attempt: number;
}

describe('readAgentReport', () => {
  const agent = '0b6f1c2e-6c0e-4e53-9d5e-1f7b0b8b9a11';
  const classes = { 'probe.done': ProbeReport };
  const body = (payload: unknown) => Buffer.from(JSON.stringify(payload));

  it('reads a report by the class of its routing key, tagged with the key', () => {
    const reading = readAgentReport(classes, 'probe', 'probe.done', body({ agent_id: agent, attempt: 2 }), agent);
    expect(reading).toEqual({ ok: true, kind: 'probe.done', report: { agent_id: agent, attempt: 2 } });
    expect(reading.ok && reading.report).toBeInstanceOf(ProbeReport);
  });

  it('takes a report without the agent header (a daemon that does not send it)', () => {
    expect(readAgentReport(classes, 'probe', 'probe.done', body({ agent_id: agent, attempt: 1 }), undefined).ok).toBe(true);
  });

  it('refuses a routing key it has no class for, an invalid payload, and a header naming another agent', () => {
    expect(readAgentReport(classes, 'probe', 'probe.lost', body({}), agent)).toEqual({ ok: false, reason: 'not a probe report: probe.lost' });
    expect(readAgentReport(classes, 'probe', 'toString', body({}), agent)).toEqual({ ok: false, reason: 'not a probe report: toString' });
    const invalid = readAgentReport(classes, 'probe', 'probe.done', body({ agent_id: agent, attempt: 0 }), agent);
    expect(!invalid.ok && invalid.reason).toContain('attempt');
    expect(readAgentReport(classes, 'probe', 'probe.done', body({ agent_id: agent, attempt: 1 }), 'someone-else')).toEqual({
      ok: false,
      reason: `x-agent-id someone-else does not match agent_id ${agent}`,
    });
  });
});
