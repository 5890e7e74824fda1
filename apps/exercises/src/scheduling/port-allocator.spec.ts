import { allocatePorts } from './port-allocator';

const range = { first: 5201, last: 5203 };

describe('allocatePorts', () => {
  it('gives each server task the lowest free port of its agent', () => {
    const inUse = new Map([['a', new Set([5201])]]);
    const result = allocatePorts(
      [
        { taskId: 's1', agentId: 'a' },
        { taskId: 's2', agentId: 'b' },
        { taskId: 's3', agentId: 'a' },
      ],
      inUse,
      range,
    );
    expect(result).toEqual({ ok: true, ports: new Map([['s1', 5202], ['s2', 5201], ['s3', 5203]]) });
  });

  it('says which agent ran out, and by how much, instead of giving part of the ports', () => {
    const inUse = new Map([['a', new Set([5202, 9999])]]);
    const requests = ['s1', 's2', 's3'].map((taskId) => ({ taskId, agentId: 'a' }));
    expect(allocatePorts(requests, inUse, range)).toEqual({ ok: false, agentId: 'a', wanted: 3, free: 2 });
  });

  it('ignores ports outside the range', () => {
    const inUse = new Map([['a', new Set([80, 5204])]]);
    expect(allocatePorts([{ taskId: 's', agentId: 'a' }], inUse, range)).toEqual({ ok: true, ports: new Map([['s', 5201]]) });
  });
});
