import { EnvReader } from '@proctor/config';
import { readExercisesConfig } from './exercises-config';

const shared = { eventMaxAttempts: 5, eventRetryBaseMs: 200 };

describe('readExercisesConfig', () => {
  it('has defaults for everything', () => {
    const config = readExercisesConfig(new EnvReader({}), shared);
    expect(config.portRange).toEqual({ first: 5201, last: 5299 });
    expect(config.slotGraceSeconds).toBe(10);
    expect(config.reportRetry).toEqual({ maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 30000 });
  });

  it('reads a port range', () => {
    expect(readExercisesConfig(new EnvReader({ EXERCISES_PORT_RANGE: ' 6000 - 6010 ' }), shared).portRange).toEqual({ first: 6000, last: 6010 });
  });

  it('names the variable of a bad value in one line', () => {
    expect(() => readExercisesConfig(new EnvReader({ EXERCISES_PORT_RANGE: '5299-5201' }), shared)).toThrow(
      'config: EXERCISES_PORT_RANGE must name its lower port first, got "5299-5201"',
    );
    expect(() => readExercisesConfig(new EnvReader({ EXERCISES_PORT_RANGE: '5201' }), shared)).toThrow('EXERCISES_PORT_RANGE must look like 5201-5299');
    expect(() => readExercisesConfig(new EnvReader({ EXERCISES_PORT_RANGE: '0-10' }), shared)).toThrow('EXERCISES_PORT_RANGE must lie within 1-65535');
    expect(() => readExercisesConfig(new EnvReader({ EXERCISES_SLOT_GRACE_SECONDS: 'ten' }), shared)).toThrow('EXERCISES_SLOT_GRACE_SECONDS must be a whole number');
  });
});
