import { Host } from './host.entity';
import { toHostView } from './host.mapper';

describe('toHostView', () => {
  const host: Host = {
    id: '0b6f1c2e-6c0e-4e53-9d5e-1f7b0b8b9a11',
    host_name: 'sunri-pi2',
    host_url: 'http://sunri-pi2:6109',
    capabilities: ['mobile', 'av'],
    status: 'available',
    last_ping: null,
    created_at: new Date('2026-11-23T10:00:00.123Z'),
  };

  it('shows the seed registration fields with an id, timestamps as ISO strings', () => {
    expect(toHostView(host)).toEqual({ ...host, created_at: '2026-11-23T10:00:00.123Z' });
  });

  it('shows the last ping once there is one', () => {
    expect(toHostView({ ...host, last_ping: new Date('2026-11-23T10:01:00.000Z') }).last_ping).toBe('2026-11-23T10:01:00.000Z');
  });
});
