import { AgentCapabilities } from '@proctor/contracts';

export interface DockerCapacity {
  docker: boolean;
  max_jobs: number;
}

/**
 * What the dispatcher keeps of an agent's capabilities: whether it runs containers, and how many
 * jobs at once (`docker.max_jobs`, else the installation's default). Null when the agent sent no
 * capabilities at all: what was known before stays.
 */
export function dockerCapacity(capabilities: AgentCapabilities | undefined | null, defaultMaxJobs: number): DockerCapacity | null {
  if (!capabilities) return null;
  const docker = capabilities.docker;
  return { docker: docker?.available === true, max_jobs: docker?.max_jobs ?? defaultMaxJobs };
}
