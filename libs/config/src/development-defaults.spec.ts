import { DevelopmentDefaults } from './development-defaults';
import { EnvReader } from './env-reader';

describe('DevelopmentDefaults', () => {
  it('takes a set variable as it is and remembers only the ones that fell back', () => {
    const defaults = new DevelopmentDefaults(new EnvReader({ JWT_SECRET: 'from-the-environment' }));
    expect(defaults.string('JWT_SECRET', 'dev-secret')).toBe('from-the-environment');
    expect(defaults.string('ADMIN_PASSWORD', 'admin123')).toBe('admin123');
    expect(defaults.used).toEqual(['ADMIN_PASSWORD']);
  });

  it('counts an empty variable as unset', () => {
    const defaults = new DevelopmentDefaults(new EnvReader({ ADMIN_PASSWORD: '' }));
    expect(defaults.string('ADMIN_PASSWORD', 'admin123')).toBe('admin123');
    expect(defaults.used).toEqual(['ADMIN_PASSWORD']);
  });
});
