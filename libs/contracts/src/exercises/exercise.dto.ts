import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { PageRequest } from '../common/page';
import { EXERCISE_STATUSES, ExerciseEndReason, ExerciseStatus } from './exercises.messages';
import { TaskView } from './task.dto';
import { TestView } from './test.dto';

export class CreateExerciseRequest {
  @ApiProperty({ example: 'nightly throughput' })
  @IsString()
  @Length(1, 128)
  name: string;

  @ApiPropertyOptional({ example: 'TCP and UDP between rack 3 and rack 4' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;
}

export class ListExercisesRequest extends PageRequest {
  @ApiPropertyOptional({ enum: EXERCISE_STATUSES })
  @IsOptional()
  @IsIn(EXERCISE_STATUSES)
  status?: ExerciseStatus;
}

export interface ExerciseView {
  id: string;
  name: string;
  description: string | null;
  status: ExerciseStatus;
  ended_reason: ExerciseEndReason | null;
  started_at: string | null;
  ended_at: string | null;
  created_at: string;
  updated_at: string;
}

/** An exercise with its tests and tasks (`GET /v1/exercises/{id}`). */
export interface ExerciseDetailView extends ExerciseView {
  tests: TestView[];
  tasks: TaskView[];
}

export interface ExerciseCreatedEvent {
  exercise_id: string;
  name: string;
}

/** `exercises.exercise.started`: its tests were expanded into scheduled tasks. */
export interface ExerciseStartedEvent {
  exercise_id: string;
  name: string;
  started_at: string;
  test_count: number;
  /** Where the last slot ends: when the exercise is planned to be over. */
  planned_end: string;
}

/** `exercises.exercise.ended`: every task is over (completed) or an operator stopped it (stopped). */
export interface ExerciseEndedEvent {
  exercise_id: string;
  name: string;
  reason: ExerciseEndReason;
  ended_at: string;
}
