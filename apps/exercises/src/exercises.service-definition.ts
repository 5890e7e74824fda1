import { ServiceDefinition } from '@proctor/messaging';
import { AgentDirectoryEntry } from './agent-directory/agent-directory-entry.entity';
import { AgentDirectoryModule } from './agent-directory/agent-directory.module';
import { Exercise } from './exercise/exercise.entity';
import { ExerciseModule } from './exercise/exercise.module';
import { CreateExercises1763900100000 } from './migrations/1763900100000-create-exercises';
import { ExerciseLifecycle1763910000000 } from './migrations/1763910000000-exercise-lifecycle';

export const EXERCISES_SERVICE: ServiceDefinition = {
  service: 'exercises',
  defaultPort: 8082,
  entities: [Exercise, AgentDirectoryEntry],
  migrations: [CreateExercises1763900100000, ExerciseLifecycle1763910000000],
  domainModules: () => [ExerciseModule, AgentDirectoryModule],
};
