import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CreateExerciseRequest, ExercisesRpc, ListExercisesRequest } from '@proctor/contracts';
import { ServiceCaller } from '../http/service-caller';
import { uuidParam } from '../http/uuid-param.pipe';

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
  get(@Param('id', uuidParam()) id: string) {
    return this.services.call(ExercisesRpc.Get, { id });
  }
}
