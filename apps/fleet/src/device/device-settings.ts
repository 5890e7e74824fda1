import type { NewDeviceEvent } from './device-event.repository';
import type { Device } from './device.entity';
import type { DeviceSettings } from './device.repository';

const FIELDS = ['maintenance_mode', 'update_enabled', 'version_lock', 'segment', 'branch', 'metadata'] as const;

/**
 * What an admin's settings change actually changes, and the events that record it: entering or
 * leaving maintenance is an event of its own (it decides whether the device can go offline and
 * whether rollouts touch it); any other change is one `settings` event listing each field before
 * and after. Fields sent with their current value change nothing.
 */
export function settingsChange(device: Pick<Device, 'device_id' | (typeof FIELDS)[number]>, settings: DeviceSettings): { patch: DeviceSettings; events: NewDeviceEvent[] } {
  const patch: Record<string, unknown> = {};
  const changed: Record<string, { from: unknown; to: unknown }> = {};
  for (const field of FIELDS) {
    const to = settings[field];
    if (to === undefined || JSON.stringify(to) === JSON.stringify(device[field])) continue;
    patch[field] = to;
    if (field !== 'maintenance_mode') changed[field] = { from: device[field], to };
  }
  const events: NewDeviceEvent[] = [];
  if ('maintenance_mode' in patch) {
    const on = patch.maintenance_mode === true;
    events.push({
      device_id: device.device_id,
      event_type: 'maintenance',
      severity: 'info',
      message: on ? 'maintenance mode on: not marked offline, passed by rollouts' : 'maintenance mode off',
      details: { maintenance_mode: on },
    });
  }
  if (Object.keys(changed).length > 0) {
    events.push({ device_id: device.device_id, event_type: 'settings', severity: 'info', message: `settings changed: ${Object.keys(changed).join(', ')}`, details: changed });
  }
  return { patch: patch as DeviceSettings, events };
}
