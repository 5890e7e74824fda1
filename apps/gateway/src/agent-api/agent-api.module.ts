import { DynamicModule, Module } from '@nestjs/common';
import { RpcClient } from '@proctor/messaging';
import { ServiceCaller } from '../http/service-caller';
import { AgentAuthGuard } from './agent-auth.guard';
import { AgentAuthenticator, AgentAuthSettings } from './agent-authenticator';
import { AgentJobsHttpController } from './agent-jobs.http-controller';
import { AgentProtocolHttpController } from './agent-protocol.http-controller';

/** The agent protocol (`/v1/agent/*`): agent credentials, `Idempotency-Key` (IdempotencyModule), RPC to agents, exercises and jobs. */
@Module({})
export class AgentApiModule {
  static forRoot(options: { auth: AgentAuthSettings; rpcTimeoutMs: number }): DynamicModule {
    return {
      module: AgentApiModule,
      controllers: [AgentProtocolHttpController, AgentJobsHttpController],
      providers: [
        { provide: ServiceCaller, inject: [RpcClient], useFactory: (rpc: RpcClient) => new ServiceCaller(rpc, options.rpcTimeoutMs) },
        { provide: AgentAuthenticator, inject: [ServiceCaller], useFactory: (services: ServiceCaller) => new AgentAuthenticator(services, options.auth) },
        AgentAuthGuard,
      ],
    };
  }
}
