import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AddTestMessage, CreateExerciseRequest, ExercisesRpc, IdRequest, ListExercisesRequest } from '@proctor/contracts';
import { ExerciseEndingService } from './exercise-ending.service';
import { ExerciseStartService } from './exercise-start.service';
import { ExerciseService } from './exercise.service';

@Controller()
export class ExerciseMessageController {
  constructor(
    private readonly exercises: ExerciseService,
    private readonly starter: ExerciseStartService,
    private readonly ending: ExerciseEndingService,
  ) {}

  @MessagePattern(ExercisesRpc.Create)
  create(@Payload() request: CreateExerciseRequest) {
    return this.exercises.create(request);
  }

  @MessagePattern(ExercisesRpc.List)
  list(@Payload() request: ListExercisesRequest) {
    return this.exercises.list(request);
  }

  @MessagePattern(ExercisesRpc.Get)
  get(@Payload() request: IdRequest) {
    return this.exercises.get(request.id);
  }

  @MessagePattern(ExercisesRpc.AddTest)
  addTest(@Payload() request: AddTestMessage) {
    return this.exercises.addTest(request);
  }

  /** Answers with the started exercise, its tests' waves and its tasks' slots and ports. */
  @MessagePattern(ExercisesRpc.Start)
  async start(@Payload() request: IdRequest) {
    await this.starter.start(request.id);
    return this.exercises.get(request.id);
  }

  @MessagePattern(ExercisesRpc.Stop)
  stop(@Payload() request: IdRequest) {
    return this.ending.stop(request.id);
  }

  @MessagePattern(ExercisesRpc.Results)
  results(@Payload() request: IdRequest) {
    return this.exercises.results(request.id);
  }
}
