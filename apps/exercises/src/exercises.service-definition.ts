import { ServiceDefinition } from '@proctor/messaging';
import { MessagingRetentionIndexes1764200000000 } from '@proctor/persistence';
import { AgentDirectoryEntry } from './agent-directory/agent-directory-entry.entity';
import { AgentDirectoryModule } from './agent-directory/agent-directory.module';
import { ExerciseTest } from './exercise/exercise-test.entity';
import { Exercise } from './exercise/exercise.entity';
import { ExerciseModule } from './exercise/exercise.module';
import { ExercisesConfigModule } from './exercises-config.module';
import { readExercisesConfig } from './exercises-config';
import { CreateExercises1763900100000 } from './migrations/1763900100000-create-exercises';
import { ExerciseLifecycle1763910000000 } from './migrations/1763910000000-exercise-lifecycle';
import { TasksAndScheduling1764000000000 } from './migrations/1764000000000-tasks-and-scheduling';
import { AgentDirectoryPresenceSeq1764300000000 } from './migrations/1764300000000-agent-directory-presence-seq';
import { TaskResult } from './result/task-result.entity';
import { PortReservation } from './scheduling/port-reservation.entity';
import { SchedulingModule } from './scheduling/scheduling.module';
import { TaskSlot } from './scheduling/task-slot.entity';
import { TaskModule } from './task/task.module';
import { Task } from './task/task.entity';

export const EXERCISES_SERVICE: ServiceDefinition = {
  service: 'exercises',
  defaultPort: 8082,
  entities: [Exercise, ExerciseTest, Task, TaskSlot, PortReservation, TaskResult, AgentDirectoryEntry],
  migrations: [CreateExercises1763900100000, ExerciseLifecycle1763910000000, TasksAndScheduling1764000000000, MessagingRetentionIndexes1764200000000, AgentDirectoryPresenceSeq1764300000000],
  domainModules: (config, env) => [
    // Read here, before anything starts: a bad value stops the app with one line naming it.
    ExercisesConfigModule.forRoot(readExercisesConfig(env, config)),
    AgentDirectoryModule,
    SchedulingModule,
    TaskModule,
    ExerciseModule,
  ],
  ownQueues: (names) => [names.serviceQueue('exercises', 'reports')],
};
