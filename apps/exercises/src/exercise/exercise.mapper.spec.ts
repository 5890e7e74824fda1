import { Exercise } from './exercise.entity';
import { toExerciseView } from './exercise.mapper';

describe('toExerciseView', () => {
  it('shows timestamps as ISO strings and keeps a missing description null', () => {
    const exercise: Exercise = {
      id: '0b6f1c2e-6c0e-4e53-9d5e-1f7b0b8b9a11',
      name: 'nightly throughput',
      description: null,
      status: 'draft',
      ended_reason: null,
      started_at: null,
      ended_at: null,
      created_at: new Date('2026-11-23T10:00:00.123Z'),
      updated_at: new Date('2026-11-23T10:05:00.000Z'),
    };
    expect(toExerciseView(exercise)).toEqual({
      id: exercise.id,
      name: 'nightly throughput',
      description: null,
      status: 'draft',
      ended_reason: null,
      started_at: null,
      ended_at: null,
      created_at: '2026-11-23T10:00:00.123Z',
      updated_at: '2026-11-23T10:05:00.000Z',
    });
  });
});
