import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { AuthenticatedAgent, ClaimJobMessage, JobClaimView, JobsRpc, ReconcileJobsMessage, ReconcileJobsView } from '@proctor/contracts';
import { ServiceCaller } from '../http/service-caller';
import { uuidParam } from '../http/uuid-param.pipe';
import { ClaimJobRequest, ReconcileJobsRequest } from './agent-job-requests.dto';
import { AgentProtocolController, CurrentAgent } from './agent-route.decorators';

/**
 * The CI job half of the agent protocol. Neither route keeps an `Idempotency-Key` answer: both are
 * idempotent by construction (a claim is a conditional update keyed by job, agent and attempt;
 * reconcile states what the daemon holds now), and a stored claim answer would keep the job's env
 * values (secrets) and expiring signed URLs in the gateway's database.
 */
@AgentProtocolController()
@Controller('v1/agent/jobs')
export class AgentJobsHttpController {
  constructor(private readonly services: ServiceCaller) {}

  @Post('reconcile')
  @HttpCode(200)
  @ApiOperation({ summary: 'At start and after each registration: the jobs this daemon still runs; the others it held are lost (queued again or failed)' })
  reconcile(@CurrentAgent() agent: AuthenticatedAgent, @Body() body: ReconcileJobsRequest) {
    const message: ReconcileJobsMessage = { agent_id: agent.agent_id, held: body.held };
    return this.services.call<ReconcileJobsView>(JobsRpc.Reconcile, message);
  }

  @Post(':id/claim')
  @HttpCode(200)
  @ApiOperation({ summary: 'Take the job this agent was offered (run_job): its spec, env and signed workspace and artifact URLs' })
  @ApiResponse({ status: 409, description: 'job_state_conflict or job_attempt_stale: the offer is gone (canceled, timed out, given to another); do not run it' })
  claim(@CurrentAgent() agent: AuthenticatedAgent, @Param('id', uuidParam()) jobId: string, @Body() body: ClaimJobRequest) {
    const message: ClaimJobMessage = { agent_id: agent.agent_id, job_id: jobId, attempt: body.attempt };
    return this.services.call<JobClaimView>(JobsRpc.Claim, message);
  }
}
