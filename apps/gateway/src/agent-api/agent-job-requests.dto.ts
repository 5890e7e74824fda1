import { PickType } from '@nestjs/swagger';
import { ClaimJobMessage, ReconcileJobsMessage } from '@proctor/contracts';

/** `POST /v1/agent/jobs/{id}/claim`: the attempt the agent was offered (the job from the path, the agent from its credentials). */
export class ClaimJobRequest extends PickType(ClaimJobMessage, ['attempt'] as const) {}

/** `POST /v1/agent/jobs/reconcile`: the jobs the daemon still runs. */
export class ReconcileJobsRequest extends PickType(ReconcileJobsMessage, ['held'] as const) {}
