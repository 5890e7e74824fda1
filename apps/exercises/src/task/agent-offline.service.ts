import { Injectable, Logger } from '@nestjs/common';
import { AgentOfflineEvent } from '@proctor/contracts';
import { InboxService } from '@proctor/persistence';
import { AgentDirectoryRepository } from '../agent-directory/agent-directory.repository';
import { TaskEndedSignal } from './task-ended.signal';
import { Task } from './task.entity';
import { TaskRepository } from './task.repository';
import { TaskTransitionService } from './task-transition.service';

/** The inbox consumer name of the offline handling: a message id is applied once per consumer. */
export const AGENT_OFFLINE_CONSUMER = 'exercises.agent-offline';

/**
 * An agent that went offline cannot finish what it was doing: its tasks under way or due fail with
 * agent_offline (once per event, through the inbox). Tasks of its later slots stay: it may be back.
 * A stale offline event (the agent has been online again since, by presence_seq) fails nothing: its
 * registration reconciled the tasks it holds, and those it was given since are its own.
 */
@Injectable()
export class AgentOfflineService {
  private readonly logger = new Logger(AgentOfflineService.name);

  constructor(
    private readonly tasks: TaskRepository,
    private readonly transitions: TaskTransitionService,
    private readonly inbox: InboxService,
    private readonly ended: TaskEndedSignal,
    private readonly directory: AgentDirectoryRepository,
  ) {}

  async apply(messageId: string, event: AgentOfflineEvent): Promise<void> {
    const failed: Task[] = [];
    let current = false;
    const applied = await this.inbox.once(messageId, AGENT_OFFLINE_CONSUMER, async (manager) => {
      current = await this.directory.noteOffline(manager, event);
      if (!current) return;
      const error = `agent ${event.name} went offline (${event.reason})`;
      for (const task of await this.tasks.lockInterruptedByOffline(manager, event.agent_id)) {
        failed.push(...(await this.transitions.apply(manager, task, { type: 'fail', reason: 'agent_offline' }, { error })).ended);
      }
    });
    if (!applied || !current) {
      this.logger.log({ msg: applied ? 'stale agent offline event skipped' : 'duplicate agent offline event skipped', agent_id: event.agent_id, message_id: messageId });
      return;
    }
    this.logger.log({ msg: 'tasks of an offline agent failed', agent_id: event.agent_id, reason: event.reason, count: failed.length });
    this.ended.emit(failed.map((t) => t.exercise_id));
  }
}
