import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CreateExerciseRequest, ExercisesRpc, IdRequest, ListExercisesRequest } from '@proctor/contracts';
import { ExerciseService } from './exercise.service';

@Controller()
export class ExerciseMessageController {
  constructor(private readonly exercises: ExerciseService) {}

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
}
