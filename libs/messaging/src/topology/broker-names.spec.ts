import { BrokerNames } from './broker-names';
import { durableQueueArguments } from './queue-arguments';

describe('BrokerNames', () => {
  it('uses the names of DESIGN.md without a namespace', () => {
    const names = new BrokerNames('');
    expect([names.rpcExchange, names.eventsExchange, names.deadLetterExchange, names.agentsExchange]).toEqual([
      'proctor.rpc',
      'proctor.events',
      'proctor.dlx',
      'proctor.agents',
    ]);
    expect(names.eventsQueue('exercises')).toBe('exercises.events');
    expect(names.deadQueue(names.eventsQueue('exercises'))).toBe('exercises.events.dead');
  });

  it('prefixes every name with the namespace', () => {
    const names = new BrokerNames('t42');
    expect(names.rpcExchange).toBe('t42.proctor.rpc');
    expect(names.rpcQueue('agents')).toBe('t42.agents.rpc');
    expect(names.agentQueue('a1')).toBe('t42.agent.a1');
  });
});

describe('durableQueueArguments', () => {
  it('declares a quorum queue with an explicit delivery limit and at-least-once dead-lettering', () => {
    expect(durableQueueArguments('proctor.dlx', 'jobs.events', 5)).toEqual({
      'x-queue-type': 'quorum',
      'x-delivery-limit': 5,
      'x-dead-letter-exchange': 'proctor.dlx',
      'x-dead-letter-routing-key': 'jobs.events',
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
    });
  });
});
