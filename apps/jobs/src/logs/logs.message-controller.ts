import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { JobLogsRequest, JobsRpc } from '@proctor/contracts';
import { JobLogService } from './job-log.service';

@Controller()
export class LogsMessageController {
  constructor(private readonly logs: JobLogService) {}

  @MessagePattern(JobsRpc.Logs)
  read(@Payload() request: JobLogsRequest) {
    return this.logs.read(request);
  }
}
