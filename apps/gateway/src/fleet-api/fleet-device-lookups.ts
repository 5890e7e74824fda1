import { AuthenticatedDevice, AuthenticateDeviceRequest, CommonErrorCode, DeviceIdRequest, FleetErrorCode, FleetRpc, ProctorError } from '@proctor/contracts';
import { ServiceCaller } from '../http/service-caller';
import { DeviceLookups } from './device-directory';

/** The codes with which fleet says "no such key" or "no such device" (as opposed to "could not tell"). */
const NO_SUCH_KEY: ReadonlySet<string> = new Set([FleetErrorCode.DeviceKeyInvalid, FleetErrorCode.DeviceNotFound, CommonErrorCode.Unauthorized]);

/** DeviceLookups answered by the fleet service over RPC. */
export class FleetDeviceLookups implements DeviceLookups {
  constructor(private readonly services: ServiceCaller) {}

  async deviceForKey(keyHash: string): Promise<string | null> {
    const request: AuthenticateDeviceRequest = { key_hash: keyHash };
    try {
      return (await this.services.call<AuthenticatedDevice>(FleetRpc.AuthenticateDevice, request)).device_id;
    } catch (e) {
      if (e instanceof ProctorError && NO_SUCH_KEY.has(e.code)) return null;
      throw e;
    }
  }

  async deviceExists(deviceId: string): Promise<boolean> {
    const request: DeviceIdRequest = { device_id: deviceId };
    try {
      await this.services.call(FleetRpc.GetDevice, request);
      return true;
    } catch (e) {
      if (e instanceof ProctorError && e.code === FleetErrorCode.DeviceNotFound) return false;
      throw e;
    }
  }
}
