import { BaseRpcContext } from '@nestjs/microservices';

export interface AmqpMessageMeta {
  pattern: string;
  messageId: string;
  requestId: string;
  /** 1 on the first delivery, counted up on each redelivery. */
  attempt: number;
  headers: Record<string, unknown>;
}

/** What a handler may know of the message it is serving (`@Ctx() ctx: AmqpContext`). */
export class AmqpContext extends BaseRpcContext<[AmqpMessageMeta]> {
  get meta(): AmqpMessageMeta {
    return this.getArgByIndex(0);
  }
  get messageId(): string {
    return this.meta.messageId;
  }
  get attempt(): number {
    return this.meta.attempt;
  }
  get pattern(): string {
    return this.meta.pattern;
  }
}
