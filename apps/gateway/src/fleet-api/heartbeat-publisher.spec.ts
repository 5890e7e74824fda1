import { HeartbeatMessage, HeartbeatMessageType } from '@proctor/contracts';
import { MessageHeader } from '@proctor/messaging';
import { heartbeatBatchMessage } from './heartbeat-publisher';

const hb = (heartbeat_id: string): HeartbeatMessage => ({ heartbeat_id, device_id: 'pi-01', status: 'healthy', received_at: '2026-11-23T10:00:00.000Z' });

describe('heartbeatBatchMessage', () => {
  it('sends a batch of one as the single heartbeat every fleet service reads: its id as message id, its request id in the headers', () => {
    const { body, options } = heartbeatBatchMessage([{ heartbeat: hb('a'), requestId: 'req-1' }]);
    expect(JSON.parse(body.toString())).toEqual(hb('a'));
    expect(options).toEqual({
      persistent: true,
      contentType: 'application/json',
      messageId: 'a',
      type: HeartbeatMessageType.Single,
      headers: { [MessageHeader.RequestId]: 'req-1' },
    });
  });

  it('sends more as one persistent batch message with an id of its own, each heartbeat keeping its id', () => {
    const { body, options } = heartbeatBatchMessage([
      { heartbeat: hb('a'), requestId: 'req-1' },
      { heartbeat: hb('b'), requestId: undefined },
    ]);
    expect(JSON.parse(body.toString())).toEqual({ heartbeats: [hb('a'), hb('b')] });
    expect(options).toEqual({ persistent: true, contentType: 'application/json', messageId: expect.stringMatching(/^[0-9a-f-]{36}$/), type: HeartbeatMessageType.Batch });
  });
});
