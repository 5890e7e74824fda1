import { FleetErrorCode, FleetRpc, HeartbeatAccepted, HeartbeatMessage, HeartbeatRequest, ProctorError, RegisterDeviceMessage, RegisterDeviceRequest, RegisteredDeviceView } from '@proctor/contracts';
import { RequestContext } from '@proctor/observability';
import { randomUUID } from 'node:crypto';
import { ServiceCaller } from '../http/service-caller';
import { DeviceDirectory } from './device-directory';
import { registrationIssuesKey } from './fleet-access';
import { FleetCredential } from './fleet-credential';
import { HeartbeatPublisher } from './heartbeat-publisher';
import { apiKeyDigest } from './static-api-keys';

/**
 * The two fleet routes that are more than one RPC: a registration (which decides whether a key is
 * issued and teaches the directory the result) and a heartbeat (published as a report, not an RPC).
 */
export class FleetGatewayService {
  constructor(
    private readonly services: ServiceCaller,
    private readonly directory: DeviceDirectory,
    private readonly heartbeats: HeartbeatPublisher,
  ) {}

  async register(caller: FleetCredential, body: RegisterDeviceRequest): Promise<RegisteredDeviceView> {
    const message: RegisterDeviceMessage = { ...body, issue_key: registrationIssuesKey(caller) };
    const device = await this.services.call<RegisteredDeviceView>(FleetRpc.RegisterDevice, message);
    const issuedKey = device.device_key;
    this.directory.rememberRegistration(device.device_id, issuedKey ? apiKeyDigest(issuedKey).toString('hex') : undefined);
    return device;
  }

  async heartbeat(caller: FleetCredential, deviceId: string, body: HeartbeatRequest): Promise<HeartbeatAccepted> {
    // A device key was resolved to this very device (the guard saw to it): it exists. Anyone else may name any id.
    if (caller.kind !== 'device_key' && !(await this.directory.exists(deviceId))) {
      throw new ProctorError(FleetErrorCode.DeviceNotFound, `no device with id ${deviceId}`, { device_id: deviceId });
    }
    // Stamped onto the validated body itself: nothing else holds it, so no copy is needed.
    const heartbeat: HeartbeatMessage = Object.assign(body, { heartbeat_id: randomUUID(), device_id: deviceId, received_at: new Date().toISOString() });
    await this.heartbeats.publish(heartbeat, RequestContext.requestId());
    return { status: 'accepted', heartbeat_id: heartbeat.heartbeat_id };
  }
}
