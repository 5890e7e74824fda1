import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ClaimTaskMessage, IdRequest, ListTasksRequest, ReconcileTasksMessage, TaskResultMessage, TaskStartedMessage, TasksRpc } from '@proctor/contracts';
import { TaskReportService } from './task-report.service';
import { TaskService } from './task.service';

/** Tasks over RPC: the admin's list, get and cancel, and the agent protocol's HTTP path (claim, reports, reconcile). */
@Controller()
export class TaskMessageController {
  constructor(
    private readonly tasks: TaskService,
    private readonly reports: TaskReportService,
  ) {}

  @MessagePattern(TasksRpc.List)
  list(@Payload() request: ListTasksRequest) {
    return this.tasks.list(request);
  }

  @MessagePattern(TasksRpc.Get)
  get(@Payload() request: IdRequest) {
    return this.tasks.get(request.id);
  }

  @MessagePattern(TasksRpc.Cancel)
  cancel(@Payload() request: IdRequest) {
    return this.tasks.cancel(request.id);
  }

  @MessagePattern(TasksRpc.Claim)
  claim(@Payload() request: ClaimTaskMessage) {
    return this.tasks.claim(request);
  }

  @MessagePattern(TasksRpc.Accepted)
  accepted(@Payload() report: TaskStartedMessage) {
    return this.reports.accepted(report);
  }

  @MessagePattern(TasksRpc.Started)
  started(@Payload() report: TaskStartedMessage) {
    return this.reports.started(report);
  }

  @MessagePattern(TasksRpc.Result)
  result(@Payload() report: TaskResultMessage) {
    return this.reports.finished(report);
  }

  @MessagePattern(TasksRpc.Reconcile)
  reconcile(@Payload() request: ReconcileTasksMessage) {
    return this.tasks.reconcile(request);
  }
}
