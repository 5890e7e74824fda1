import { topicMatches } from './amqp-transport';

describe('topicMatches', () => {
  it.each([
    ['agents.agent.offline', 'agents.agent.offline', true],
    ['agents.agent.*', 'agents.agent.offline', true],
    ['agents.*', 'agents.agent.offline', false],
    ['agents.#', 'agents.agent.offline', true],
    ['#', 'jobs.job.queued', true],
    ['jobs.#.queued', 'jobs.queued', true],
    ['jobs.job.queued', 'jobs.job.started', false],
  ])('%s against %s is %s', (pattern, key, expected) => {
    expect(topicMatches(pattern, key)).toBe(expected);
  });
});
