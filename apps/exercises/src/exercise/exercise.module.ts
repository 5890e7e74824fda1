import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentDirectoryModule } from '../agent-directory/agent-directory.module';
import { SchedulingModule } from '../scheduling/scheduling.module';
import { TaskModule } from '../task/task.module';
import { ExerciseAutoEnder } from './exercise-auto-ender';
import { ExerciseEndingService } from './exercise-ending.service';
import { ExerciseStartService } from './exercise-start.service';
import { ExerciseTestRepository } from './exercise-test.repository';
import { Exercise } from './exercise.entity';
import { ExerciseMessageController } from './exercise.message-controller';
import { ExerciseRepository } from './exercise.repository';
import { ExerciseService } from './exercise.service';

/** Exercises and their tests: drafting, start (tasks, slots, ports), stop, the auto-ender, results. */
@Module({
  imports: [TypeOrmModule.forFeature([Exercise]), AgentDirectoryModule, SchedulingModule, TaskModule],
  controllers: [ExerciseMessageController],
  providers: [ExerciseRepository, ExerciseTestRepository, ExerciseService, ExerciseStartService, ExerciseEndingService, ExerciseAutoEnder],
})
export class ExerciseModule {}
