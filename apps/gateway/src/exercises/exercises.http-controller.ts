import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AddTestMessage,
  AddTestRequest,
  CreateExerciseRequest,
  ExerciseDetailView,
  ExerciseResultsView,
  ExercisesRpc,
  ExerciseView,
  IdRequest,
  ListExercisesRequest,
  TestView,
} from '@proctor/contracts';
import { ServiceCaller } from '../http/service-caller';
import { uuidParam } from '../http/uuid-param.pipe';
import { Idempotent } from '../idempotency/idempotent.decorator';

@ApiTags('exercises')
@ApiBearerAuth()
@Controller('v1/exercises')
export class ExercisesHttpController {
  constructor(private readonly services: ServiceCaller) {}

  @Post()
  create(@Body() body: CreateExerciseRequest) {
    return this.services.call(ExercisesRpc.Create, body);
  }

  @Get()
  list(@Query() query: ListExercisesRequest) {
    return this.services.call(ExercisesRpc.List, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'An exercise with its tests and tasks' })
  get(@Param('id', uuidParam()) id: string) {
    return this.services.call<ExerciseDetailView>(ExercisesRpc.Get, { id } satisfies IdRequest);
  }

  @Post(':id/tests')
  @Idempotent({ required: false })
  @ApiOperation({ summary: 'Add an iperf3 test between two agents (a draft exercise only)' })
  addTest(@Param('id', uuidParam()) id: string, @Body() body: AddTestRequest) {
    const message: AddTestMessage = { ...body, exercise_id: id };
    return this.services.call<TestView>(ExercisesRpc.AddTest, message);
  }

  @Post(':id/start')
  @HttpCode(200)
  @Idempotent({ required: false })
  @ApiOperation({ summary: 'Start: schedule every test, reserve ports, dispatch; 409 port_conflict and nothing changes when no port is free' })
  start(@Param('id', uuidParam()) id: string) {
    return this.services.call<ExerciseView>(ExercisesRpc.Start, { id } satisfies IdRequest);
  }

  @Post(':id/stop')
  @HttpCode(200)
  @Idempotent({ required: false })
  @ApiOperation({ summary: 'Stop: cancel what has not finished, kill_all on every agent, release ports' })
  stop(@Param('id', uuidParam()) id: string) {
    return this.services.call<ExerciseView>(ExercisesRpc.Stop, { id } satisfies IdRequest);
  }

  @Get(':id/results')
  @ApiOperation({ summary: "Parsed iperf3 results of the exercise's tests" })
  results(@Param('id', uuidParam()) id: string) {
    return this.services.call<ExerciseResultsView>(ExercisesRpc.Results, { id } satisfies IdRequest);
  }
}
