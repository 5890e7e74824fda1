import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CancelJobRequest, ClaimJobMessage, JobsRpc, ReconcileJobsMessage } from '@proctor/contracts';
import { JobCancelService } from './job-cancel.service';
import { JobClaimService } from './job-claim.service';
import { JobReconcileService } from './job-reconcile.service';

@Controller()
export class ExecutionMessageController {
  constructor(
    private readonly claims: JobClaimService,
    private readonly reconciliation: JobReconcileService,
    private readonly cancels: JobCancelService,
  ) {}

  @MessagePattern(JobsRpc.Claim)
  claim(@Payload() message: ClaimJobMessage) {
    return this.claims.claim(message);
  }

  @MessagePattern(JobsRpc.Reconcile)
  reconcile(@Payload() message: ReconcileJobsMessage) {
    return this.reconciliation.reconcile(message);
  }

  @MessagePattern(JobsRpc.Cancel)
  cancel(@Payload() request: CancelJobRequest) {
    return this.cancels.cancel(request);
  }
}
