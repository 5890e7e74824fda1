/** A queued job as the planner sees it. */
export interface QueuedJob {
  id: string;
  priority: number;
  created_at: Date;
}

/** An online Docker agent and the jobs it holds (assigned or running). */
export interface AgentSlots {
  agent_id: string;
  max_jobs: number;
  active: number;
}

export interface Assignment {
  job_id: string;
  agent_id: string;
}

/** Highest priority first, FIFO within a priority, the id as the last tie-break (one order, always). */
export function queueOrder(a: QueuedJob, b: QueuedJob): number {
  return b.priority - a.priority || a.created_at.getTime() - b.created_at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Share of its slots an agent uses; the least loaded takes the next job, so work spreads. */
function load(agent: AgentSlots): number {
  return agent.active / agent.max_jobs;
}

function lessLoaded(a: AgentSlots, b: AgentSlots): boolean {
  return load(a) < load(b) || (load(a) === load(b) && (a.active < b.active || (a.active === b.active && a.agent_id < b.agent_id)));
}

/**
 * Which queued job goes to which agent: in queue order, each to the least loaded agent with a free
 * slot, until no job or no slot is left. No agent ever gets more than its max_jobs.
 */
export function planAssignments(jobs: readonly QueuedJob[], agents: readonly AgentSlots[]): Assignment[] {
  const slots = agents.filter((a) => a.max_jobs > 0).map((a) => ({ ...a }));
  const plan: Assignment[] = [];
  for (const job of [...jobs].sort(queueOrder)) {
    let best: AgentSlots | undefined;
    for (const agent of slots) {
      if (agent.active >= agent.max_jobs) continue;
      if (!best || lessLoaded(agent, best)) best = agent;
    }
    if (!best) break;
    best.active++;
    plan.push({ job_id: job.id, agent_id: best.agent_id });
  }
  return plan;
}
