import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Exercise } from './exercise.entity';
import { ExerciseMessageController } from './exercise.message-controller';
import { ExerciseRepository } from './exercise.repository';
import { ExerciseService } from './exercise.service';

@Module({
  imports: [TypeOrmModule.forFeature([Exercise])],
  controllers: [ExerciseMessageController],
  providers: [ExerciseRepository, ExerciseService],
})
export class ExerciseModule {}
