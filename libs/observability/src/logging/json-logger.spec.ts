import { RequestContext } from '../context/request-context';
import { JsonLogger } from './json-logger';

describe('JsonLogger', () => {
  const capture = () => {
    const lines: Record<string, unknown>[] = [];
    const logger = new JsonLogger('agents', 'log', (l) => lines.push(JSON.parse(l)));
    return { lines, logger };
  };

  it('writes one JSON object with the request id of the unit of work in progress', () => {
    const { lines, logger } = capture();
    RequestContext.run({ requestId: 'req-1' }, () => logger.log('agent created', { agent_id: 'a1' }, 'AgentService'));
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', service: 'agents', msg: 'agent created', agent_id: 'a1', context: 'AgentService', request_id: 'req-1' }),
    ]);
  });

  it('never prints a secret passed as context', () => {
    const { lines, logger } = capture();
    logger.warn('login failed', { username: 'admin', password: 'admin123' });
    expect(JSON.stringify(lines)).not.toContain('admin123');
  });

  it('drops lines below its level', () => {
    const { lines, logger } = capture();
    logger.debug('noise');
    expect(lines).toHaveLength(0);
  });
});
