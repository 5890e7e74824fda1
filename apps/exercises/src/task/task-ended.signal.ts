import { Injectable } from '@nestjs/common';

/**
 * Tells whoever listens in this process that tasks of an exercise have ended (after the commit), so
 * that the auto-ender looks at once instead of at its next sweep. A hint only: the sweep is the backstop.
 */
@Injectable()
export class TaskEndedSignal {
  private readonly listeners: ((exerciseIds: string[]) => void)[] = [];

  subscribe(listener: (exerciseIds: string[]) => void): void {
    this.listeners.push(listener);
  }

  emit(exerciseIds: Iterable<string>): void {
    const ids = [...new Set(exerciseIds)];
    if (ids.length === 0) return;
    for (const listener of this.listeners) listener(ids);
  }
}
