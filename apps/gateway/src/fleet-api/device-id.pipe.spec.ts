import { ProctorError } from '@proctor/contracts';
import { DeviceIdPipe } from './device-id.pipe';

describe('DeviceIdPipe', () => {
  const pipe = new DeviceIdPipe();

  it('passes the ids RegisterDeviceRequest accepts', () => {
    for (const id of ['pi-camera-01', 'test-device-01', 'a', 'A.b_c-9', 'x'.repeat(64)]) expect(pipe.transform(id)).toBe(id);
  });

  it('refuses anything else as validation_failed naming device_id', () => {
    for (const id of ['', '-leading-dash', 'has space', 'x'.repeat(65), 'a/b', 'pi%00']) {
      const error = (() => {
        try {
          pipe.transform(id);
        } catch (e) {
          return e;
        }
      })() as ProctorError;
      expect(error).toBeInstanceOf(ProctorError);
      expect(error.code).toBe('validation_failed');
      expect(Object.keys(error.details?.fields as object)).toEqual(['device_id']);
    }
  });
});
