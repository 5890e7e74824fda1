import { DeviceEventView } from '@proctor/contracts';
import { DeviceEvent } from './device-event.entity';

export function toDeviceEventView(event: DeviceEvent): DeviceEventView {
  return {
    id: event.id,
    device_id: event.device_id,
    event_type: event.event_type,
    severity: event.severity,
    message: event.message,
    details: event.details,
    created_at: event.created_at.toISOString(),
  };
}
