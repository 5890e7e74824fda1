import { dockerCapacity } from './job-agent-capacity';

describe('dockerCapacity', () => {
  const verified_at = '2026-11-23T10:00:00.000Z';

  it('takes the agent at its word: Docker available, and its max_jobs', () => {
    expect(dockerCapacity({ docker: { available: true, verified_at, max_jobs: 4 } }, 2)).toEqual({ docker: true, max_jobs: 4 });
  });

  it('gives an agent that does not say how many jobs it takes the installation default', () => {
    expect(dockerCapacity({ docker: { available: true, verified_at } }, 2)).toEqual({ docker: true, max_jobs: 2 });
  });

  it('runs nothing on an agent without Docker, or whose Docker is not available', () => {
    expect(dockerCapacity({}, 2)).toEqual({ docker: false, max_jobs: 2 });
    expect(dockerCapacity({ docker: { available: false, verified_at, max_jobs: 8 } }, 2)).toEqual({ docker: false, max_jobs: 8 });
  });

  it('keeps what was known when the agent sent no capabilities', () => {
    expect(dockerCapacity(undefined, 2)).toBeNull();
  });
});
