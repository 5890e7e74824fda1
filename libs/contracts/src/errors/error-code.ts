import { AgentErrorCode } from '../agents/agents.messages';
import { ExerciseErrorCode } from '../exercises/exercises.messages';
import { FleetErrorCode } from '../fleet/fleet.messages';
import { HostErrorCode } from '../hosts/hosts.messages';
import { JobErrorCode } from '../jobs/jobs.messages';
import { CommonErrorCode } from './common-error-code';

/** Every code an HTTP client can see; the gateway maps each to a status in one exhaustive switch. */
export type ErrorCode = CommonErrorCode | AgentErrorCode | ExerciseErrorCode | JobErrorCode | FleetErrorCode | HostErrorCode;

export const ALL_ERROR_CODES: readonly string[] = [
  ...Object.values(CommonErrorCode),
  ...Object.values(AgentErrorCode),
  ...Object.values(ExerciseErrorCode),
  ...Object.values(JobErrorCode),
  ...Object.values(FleetErrorCode),
  ...Object.values(HostErrorCode),
];

export function isKnownErrorCode(code: string): code is ErrorCode {
  return ALL_ERROR_CODES.includes(code);
}
