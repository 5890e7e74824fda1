import { settingsChange } from './device-settings';

describe('settingsChange', () => {
  const device = {
    device_id: 'pi-1',
    maintenance_mode: false,
    update_enabled: true,
    version_lock: null,
    segment: 'stable' as const,
    branch: 'main',
    metadata: { board: 'pi4' },
  };

  it('records entering maintenance as an event of its own', () => {
    expect(settingsChange(device, { maintenance_mode: true })).toEqual({
      patch: { maintenance_mode: true },
      events: [
        {
          device_id: 'pi-1',
          event_type: 'maintenance',
          severity: 'info',
          message: 'maintenance mode on: not marked offline, passed by rollouts',
          details: { maintenance_mode: true },
        },
      ],
    });
  });

  it('lists every other changed field, before and after, in one settings event', () => {
    const { patch, events } = settingsChange(device, { version_lock: 'a1b2c3d', segment: 'canary', update_enabled: true });
    expect(patch).toEqual({ version_lock: 'a1b2c3d', segment: 'canary' });
    expect(events).toEqual([
      {
        device_id: 'pi-1',
        event_type: 'settings',
        severity: 'info',
        message: 'settings changed: version_lock, segment',
        details: { version_lock: { from: null, to: 'a1b2c3d' }, segment: { from: 'stable', to: 'canary' } },
      },
    ]);
  });

  it('changes nothing, and records nothing, when every value is already so', () => {
    expect(settingsChange(device, { maintenance_mode: false, metadata: { board: 'pi4' } })).toEqual({ patch: {}, events: [] });
  });

  it('unlocks with version_lock null', () => {
    expect(settingsChange({ ...device, version_lock: 'abc' }, { version_lock: null }).patch).toEqual({ version_lock: null });
  });
});
