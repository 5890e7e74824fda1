export enum ExercisesRpc {
  Create = 'exercises.create',
  List = 'exercises.list',
  Get = 'exercises.get',
}

export enum ExercisesEvent {
  Created = 'exercises.exercise.created',
}

export enum ExerciseErrorCode {
  NotFound = 'exercise_not_found',
}

export const EXERCISE_STATUSES = ['draft', 'running', 'ended'] as const;
export type ExerciseStatus = (typeof EXERCISE_STATUSES)[number];
