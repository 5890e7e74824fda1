import { ServiceDefinition } from '@proctor/messaging';
import { AgentDirectoryEntry } from './agent-directory/agent-directory-entry.entity';
import { AgentDirectoryModule } from './agent-directory/agent-directory.module';
import { Exercise } from './exercise/exercise.entity';
import { ExerciseModule } from './exercise/exercise.module';
import { CreateExercises1763900100000 } from './migrations/1763900100000-create-exercises';

export const EXERCISES_SERVICE: ServiceDefinition = {
  service: 'exercises',
  defaultPort: 8082,
  entities: [Exercise, AgentDirectoryEntry],
  migrations: [CreateExercises1763900100000],
  domainModules: () => [ExerciseModule, AgentDirectoryModule],
};
