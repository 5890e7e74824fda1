import { Injectable } from '@nestjs/common';
import { RpcClient } from '@proctor/messaging';

/** The gateway's one way to reach a service: an RPC with the configured deadline. */
@Injectable()
export class ServiceCaller {
  constructor(
    private readonly rpc: RpcClient,
    private readonly timeoutMs: number,
  ) {}

  call<T = unknown>(pattern: string, payload: object): Promise<T> {
    return this.rpc.call<T>(pattern, payload, { timeoutMs: this.timeoutMs });
  }
}
