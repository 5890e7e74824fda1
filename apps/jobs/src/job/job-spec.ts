import { JobSpec } from '@proctor/contracts';
import { JobDefaults } from '../jobs-config';
import { Job } from './job.entity';

/** The columns a spec decides, with nothing left open. */
export type ResolvedJobSpec = Pick<
  Job,
  'image' | 'command' | 'env' | 'timeout_seconds' | 'cpus' | 'memory_mb' | 'pids' | 'network' | 'artifacts' | 'priority' | 'labels' | 'retries' | 'webhook_url'
>;

/** A spec with the installation's defaults filled in, so the row says exactly what will run. */
export function resolveJobSpec(spec: JobSpec, defaults: JobDefaults): ResolvedJobSpec {
  return {
    image: spec.image ?? defaults.image,
    command: spec.command && spec.command.length > 0 ? spec.command : defaults.command,
    env: spec.env ?? {},
    timeout_seconds: spec.timeout_seconds ?? defaults.timeoutSeconds,
    cpus: spec.limits?.cpus ?? defaults.cpus,
    memory_mb: spec.limits?.memory_mb ?? defaults.memoryMb,
    pids: spec.limits?.pids ?? defaults.pids,
    network: spec.network ?? 'none',
    artifacts: spec.artifacts ?? [],
    priority: spec.priority ?? 0,
    labels: spec.labels ?? {},
    retries: spec.retries ?? 0,
    webhook_url: spec.webhook_url ?? null,
  };
}
