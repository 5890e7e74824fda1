import { agentsAlive } from './sign-of-life';

describe('agentsAlive', () => {
  const a = '0b6f1c2e-6c0e-4e53-9d5e-1f7b0b8b9a11';
  const b = '1c7a2d3f-7d1f-4f64-8e6f-2a8c1c9cab22';

  it('reads x-agent-id once per agent', () => {
    expect(agentsAlive([{ 'x-agent-id': a }, { 'x-agent-id': b }, { 'x-agent-id': a.toUpperCase() }])).toEqual([a, b]);
  });

  it('ignores reports without the header or with something that is not an id', () => {
    expect(agentsAlive([{}, { 'x-agent-id': 'lab-a1' }, { 'x-agent-id': 42 }, { 'x-request-id': a }])).toEqual([]);
  });

  it('reads a header that arrives as bytes', () => {
    expect(agentsAlive([{ 'x-agent-id': Buffer.from(a) }])).toEqual([a]);
  });
});
