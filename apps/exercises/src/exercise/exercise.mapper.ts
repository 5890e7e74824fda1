import { ExerciseView } from '@proctor/contracts';
import { Exercise } from './exercise.entity';

export function toExerciseView(exercise: Exercise): ExerciseView {
  return {
    id: exercise.id,
    name: exercise.name,
    description: exercise.description,
    status: exercise.status,
    ended_reason: exercise.ended_reason,
    started_at: exercise.started_at?.toISOString() ?? null,
    ended_at: exercise.ended_at?.toISOString() ?? null,
    created_at: exercise.created_at.toISOString(),
    updated_at: exercise.updated_at.toISOString(),
  };
}
