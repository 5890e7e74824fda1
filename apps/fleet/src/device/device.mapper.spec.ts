import { Device } from './device.entity';
import { toDeviceView } from './device.mapper';

describe('toDeviceView', () => {
  it('shows every field of the device but its key hash, timestamps as ISO strings', () => {
    const device: Device = {
      device_id: 'pi-camera-01',
      hostname: 'pi-camera-01.local',
      role: 'camera-dual',
      branch: 'main',
      segment: 'canary',
      status: 'healthy',
      ip_address: '192.168.1.100',
      last_seen: new Date('2026-11-23T10:04:59.999Z'),
      current_commit_hash: 'a1b2c3d',
      maintenance_mode: false,
      update_enabled: true,
      version_lock: null,
      metadata: { board: 'pi4' },
      key_hash: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      created_at: new Date('2026-11-23T10:00:00.123Z'),
      updated_at: new Date('2026-11-23T10:05:00.000Z'),
    };
    const view = toDeviceView(device);
    expect(view).not.toHaveProperty('key_hash');
    expect(view).toEqual({
      ...device,
      key_hash: undefined,
      last_seen: '2026-11-23T10:04:59.999Z',
      created_at: '2026-11-23T10:00:00.123Z',
      updated_at: '2026-11-23T10:05:00.000Z',
    });
  });

  it('keeps a device never seen as last_seen null', () => {
    const device = { device_id: 'd', last_seen: null, created_at: new Date(0), updated_at: new Date(0) } as Device;
    expect(toDeviceView(device).last_seen).toBeNull();
  });
});
