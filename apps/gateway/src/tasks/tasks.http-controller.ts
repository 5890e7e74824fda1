import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdRequest, ListTasksRequest, Page, TasksRpc, TaskView } from '@proctor/contracts';
import { ServiceCaller } from '../http/service-caller';
import { uuidParam } from '../http/uuid-param.pipe';
import { Idempotent } from '../idempotency/idempotent.decorator';

@ApiTags('tasks')
@ApiBearerAuth()
@Controller('v1/tasks')
export class TasksHttpController {
  constructor(private readonly services: ServiceCaller) {}

  @Get()
  @ApiOperation({ summary: 'List tasks, newest first, by exercise, agent, state or kind' })
  list(@Query() query: ListTasksRequest) {
    return this.services.call<Page<TaskView>>(TasksRpc.List, query);
  }

  @Get(':id')
  get(@Param('id', uuidParam()) id: string) {
    return this.services.call<TaskView>(TasksRpc.Get, { id } satisfies IdRequest);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Idempotent({ required: false })
  @ApiOperation({ summary: 'Cancel a task that has not finished; 409 task_state_conflict otherwise' })
  cancel(@Param('id', uuidParam()) id: string) {
    return this.services.call<TaskView>(TasksRpc.Cancel, { id } satisfies IdRequest);
  }
}
