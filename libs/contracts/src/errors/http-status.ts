import { AgentErrorCode } from '../agents/agents.messages';
import { ExerciseErrorCode } from '../exercises/exercises.messages';
import { FleetErrorCode } from '../fleet/fleet.messages';
import { HostErrorCode } from '../hosts/hosts.messages';
import { JobErrorCode } from '../jobs/jobs.messages';
import { CommonErrorCode } from './common-error-code';
import { ErrorCode } from './error-code';

/**
 * The HTTP status of every error code: one exhaustive switch, so a new code cannot go unmapped.
 * Shared by the gateway and the services that answer HTTP themselves (the jobs service's signed
 * downloads and submissions), so a code means one status wherever a client meets it.
 */
export function httpStatusFor(code: ErrorCode): number {
  switch (code) {
    case CommonErrorCode.ValidationFailed:
    case ExerciseErrorCode.UnknownAgent:
    case JobErrorCode.ArchiveInvalid:
    case JobErrorCode.SpecInvalid:
      return 400;
    case CommonErrorCode.Unauthorized:
    case FleetErrorCode.DeviceKeyInvalid:
    case AgentErrorCode.KeyInvalid:
      return 401;
    case CommonErrorCode.Forbidden:
      return 403;
    case CommonErrorCode.NotFound:
    case AgentErrorCode.NotFound:
    case ExerciseErrorCode.NotFound:
    case ExerciseErrorCode.TaskNotFound:
    case JobErrorCode.NotFound:
    case JobErrorCode.ArtifactNotFound:
    case FleetErrorCode.DeviceNotFound:
    case FleetErrorCode.RolloutNotFound:
    case HostErrorCode.NotFound:
      return 404;
    case CommonErrorCode.Conflict:
    case CommonErrorCode.IdempotencyInProgress:
    case AgentErrorCode.NameTaken:
    case ExerciseErrorCode.StateConflict:
    case ExerciseErrorCode.TaskStateConflict:
    case ExerciseErrorCode.TaskAttemptStale:
    case ExerciseErrorCode.PortConflict:
    case FleetErrorCode.RolloutConflict:
    case JobErrorCode.StateConflict:
    case JobErrorCode.AttemptStale:
      return 409;
    case CommonErrorCode.PayloadTooLarge:
    case JobErrorCode.ArchiveTooLarge:
      return 413;
    case CommonErrorCode.IdempotencyKeyReused:
      return 422;
    case CommonErrorCode.UnsupportedApiVersion:
      return 426;
    case CommonErrorCode.RateLimited:
      return 429;
    case CommonErrorCode.Internal:
      return 500;
    case CommonErrorCode.DeadlineExceeded:
    case CommonErrorCode.ServiceUnavailable:
      return 503;
  }
}

/** The code of an error raised by the HTTP layer itself (routing, body parsing, guards). */
export function codeForHttpStatus(status: number): CommonErrorCode {
  switch (status) {
    case 400:
    case 415:
      return CommonErrorCode.ValidationFailed;
    case 401:
      return CommonErrorCode.Unauthorized;
    case 403:
      return CommonErrorCode.Forbidden;
    case 404:
    case 405:
      return CommonErrorCode.NotFound;
    case 409:
      return CommonErrorCode.Conflict;
    case 413:
      return CommonErrorCode.PayloadTooLarge;
    case 429:
      return CommonErrorCode.RateLimited;
    case 503:
      return CommonErrorCode.ServiceUnavailable;
    default:
      return CommonErrorCode.Internal;
  }
}
