import { Injectable, PipeTransform } from '@nestjs/common';
import { CommonErrorCode, ProctorError } from '@proctor/contracts';

// The shape RegisterDeviceRequest gives a device id: a path id of any other shape names no device.
const DEVICE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A `{device_id}` path segment: refused with 400 in the envelope, before any RPC or publish. */
@Injectable()
export class DeviceIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (DEVICE_ID.test(value)) return value;
    const problem = 'device_id must be 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit';
    throw new ProctorError(CommonErrorCode.ValidationFailed, problem, { fields: { device_id: [problem] } });
  }
}
