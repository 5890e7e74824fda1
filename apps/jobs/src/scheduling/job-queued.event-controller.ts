import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { JobsEvent } from '@proctor/contracts';
import { JobDispatcher } from './job-dispatcher';

/**
 * The service hears its own `jobs.job.queued`: whichever path queued the job (JSON or archive
 * submission), and on whichever replica, a dispatcher runs as soon as the job is committed.
 */
@Controller()
export class JobQueuedEventController {
  constructor(private readonly dispatcher: JobDispatcher) {}

  @EventPattern(JobsEvent.Queued)
  queued() {
    this.dispatcher.wake();
  }
}
