import { EventSeverity, ReportUpdateRequest } from '@proctor/contracts';
import type { NewDeviceEvent } from '../device/device-event.repository';

/** The device event that records an update report: an error when it failed, a warning when rolled back or unhealthy. */
export function updateEvent(deviceId: string, report: ReportUpdateRequest, rolloutId: string | null): NewDeviceEvent {
  const severity: EventSeverity =
    report.update_status === 'failed' ? 'error' : report.update_status === 'rolled_back' || report.health_check_passed === false ? 'warning' : 'info';
  const outcome = report.update_status === 'rolled_back' ? 'rolled back' : report.update_status;
  return {
    device_id: deviceId,
    event_type: 'update',
    severity,
    message: `update ${report.from_commit_hash ?? '?'} → ${report.to_commit_hash}: ${outcome}${report.error_message ? `: ${report.error_message}` : ''}`,
    details: {
      from_commit_hash: report.from_commit_hash ?? null,
      to_commit_hash: report.to_commit_hash,
      update_status: report.update_status,
      error_message: report.error_message ?? null,
      health_check_passed: report.health_check_passed ?? null,
      rollout_id: rolloutId,
    },
  };
}
