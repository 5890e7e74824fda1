import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import {
  AgentHeartbeatMessage,
  AgentHeartbeatRequest,
  AgentHeartbeatView,
  AgentRegistrationView,
  AgentsRpc,
  AuthenticatedAgent,
  ClaimTaskMessage,
  ClaimTaskView,
  RegisterAgentMessage,
  RegisterAgentRequest,
  TaskResultMessage,
  TaskResultRequest,
  TasksRpc,
  TaskStartedMessage,
  TaskStartedRequest,
} from '@proctor/contracts';
import { ServiceCaller } from '../http/service-caller';
import { uuidParam } from '../http/uuid-param.pipe';
import { Idempotent } from '../idempotency/idempotent.decorator';
import { AgentProtocolController, CurrentAgent } from './agent-route.decorators';

/** Seed 000's agent protocol, unchanged: the agent comes from its credentials, never from the body. */
@AgentProtocolController()
@Controller('v1/agent')
export class AgentProtocolHttpController {
  constructor(private readonly services: ServiceCaller) {}

  @Post('register')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: 'Register (after every start or reconnect): capabilities, labels, held tasks; answers the queue and what to keep' })
  register(@CurrentAgent() agent: AuthenticatedAgent, @Body() body: RegisterAgentRequest) {
    const message: RegisterAgentMessage = { ...body, agent_id: agent.agent_id };
    return this.services.call<AgentRegistrationView>(AgentsRpc.Register, message);
  }

  @Post('heartbeat')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: 'Heartbeat every heartbeat_interval_seconds; status disconnecting says goodbye' })
  heartbeat(@CurrentAgent() agent: AuthenticatedAgent, @Body() body: AgentHeartbeatRequest) {
    const message: AgentHeartbeatMessage = { ...body, agent_id: agent.agent_id };
    return this.services.call<AgentHeartbeatView>(AgentsRpc.Heartbeat, message);
  }

  @Post('tasks/claim')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: 'Without the broker: accept the next task dispatched to this agent, or {"task": null}' })
  claim(@CurrentAgent() agent: AuthenticatedAgent) {
    const message: ClaimTaskMessage = { agent_id: agent.agent_id };
    return this.services.call<ClaimTaskView>(TasksRpc.Claim, message);
  }

  @Post('tasks/:id/started')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: 'The task runs (a server task: iperf3 listens)' })
  started(@CurrentAgent() agent: AuthenticatedAgent, @Param('id', uuidParam()) taskId: string, @Body() body: TaskStartedRequest) {
    const message: TaskStartedMessage = { task_id: taskId, agent_id: agent.agent_id, attempt: body.attempt };
    return this.services.call(TasksRpc.Started, message);
  }

  @Post('tasks/:id/result')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: "The task's outcome (a client task: iperf3's --json output)" })
  result(@CurrentAgent() agent: AuthenticatedAgent, @Param('id', uuidParam()) taskId: string, @Body() body: TaskResultRequest) {
    const message: TaskResultMessage = { ...body, task_id: taskId, agent_id: agent.agent_id };
    return this.services.call(TasksRpc.Result, message);
  }
}
