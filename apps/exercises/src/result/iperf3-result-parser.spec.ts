import { parseIperf3Result } from './iperf3-result-parser';
import refused from './fixtures/iperf3-3.12-connection-refused.json';
import tcpParallel from './fixtures/iperf3-3.12-tcp-parallel.json';
import tcpReverse from './fixtures/iperf3-3.12-tcp-reverse.json';
import tcp from './fixtures/iperf3-3.12-tcp.json';
import udpLossy from './fixtures/iperf3-3.12-udp-lossy.json';
import udpReverse from './fixtures/iperf3-3.12-udp-reverse.json';
import udp from './fixtures/iperf3-3.12-udp.json';

// The fixtures are the real output of iperf 3.12 on loopback (`iperf3 -s -1 -p 5299` and
// `iperf3 -c 127.0.0.1 -p 5299 -t 1 -J`, with `-u -b 10M`, `-R`, `-P 2` or `-u -b 20G -l 1400`).
describe('parseIperf3Result', () => {
  it('reads a TCP run: the sender rate, the receiver rate, the sender retransmits, the intervals', () => {
    expect(parseIperf3Result(tcp, 'tcp')).toEqual({
      ok: true,
      measurement: {
        protocol: 'tcp',
        sent_bps: 20485647700.628223,
        received_bps: 20399165115.799522,
        retransmits: 9,
        jitter_ms: null,
        lost_percent: null,
        intervals: [{ start_seconds: 0, end_seconds: 1.000121, bits_per_second: 20485647753.29262 }],
        reverse: false,
      },
    });
  });

  it('sums parallel streams and keeps every interval', () => {
    const parse = parseIperf3Result(tcpParallel, 'tcp');
    expect(parse).toMatchObject({ ok: true, measurement: { sent_bps: 25801894698.5316, received_bps: 25801404539.4873, retransmits: 7 } });
    expect(parse.ok && parse.measurement.intervals.map((i) => i.start_seconds)).toEqual([0, 1.000054]);
  });

  it('with -R keeps sent as the server (the sender) and the intervals as what the client received', () => {
    // The client's JSON flags that it was not the sender; the retransmits are the server's.
    expect(tcpReverse.end.sum_sent.sender).toBe(false);
    expect(parseIperf3Result(tcpReverse, 'tcp')).toEqual({
      ok: true,
      measurement: {
        protocol: 'tcp',
        sent_bps: 21785414714.736908,
        received_bps: 21802670722.500378,
        retransmits: 22,
        jitter_ms: null,
        lost_percent: null,
        intervals: [{ start_seconds: 0, end_seconds: 1.000041, bits_per_second: 21802670548.181973 }],
        reverse: true,
      },
    });
  });

  it('reads a UDP run: end.sum for the rate, jitter and loss, sum_received for what arrived', () => {
    expect(parseIperf3Result(udp, 'udp')).toEqual({
      ok: true,
      measurement: {
        protocol: 'udp',
        sent_bps: 10222307.544634288,
        received_bps: 10221919.161419204,
        retransmits: null,
        jitter_ms: 0.00896797718304158,
        lost_percent: 0,
        intervals: [{ start_seconds: 0, end_seconds: 1.000128, bits_per_second: 10222307.230062831 }],
        reverse: false,
      },
    });
  });

  it('reports the loss of an overdriven UDP run', () => {
    expect(parseIperf3Result(udpLossy, 'udp')).toMatchObject({
      ok: true,
      measurement: { sent_bps: 3637999696.002432, received_bps: 1733028791.224389, lost_percent: 51.811442504248454, jitter_ms: 0.0015683902968110948 },
    });
  });

  it('with -R over UDP takes the jitter the client measured as receiver', () => {
    expect(parseIperf3Result(udpReverse, 'udp')).toMatchObject({
      ok: true,
      measurement: { sent_bps: 10221806.740206983, received_bps: 10222481.304575192, jitter_ms: 0.00894216593226802, reverse: true },
    });
  });

  it('takes a UDP run of an iperf3 without sum_received (before 3.10) and leaves the received rate unknown', () => {
    const oldEnd = { streams: udp.end.streams, sum: udp.end.sum, cpu_utilization_percent: udp.end.cpu_utilization_percent };
    const parse = parseIperf3Result({ ...udp, end: oldEnd }, 'udp');
    expect(parse).toMatchObject({ ok: true, measurement: { sent_bps: 10222307.544634288, received_bps: null, jitter_ms: 0.00896797718304158 } });
  });

  it('turns iperf3 own error into a failure with its words', () => {
    expect(parseIperf3Result(refused, 'tcp')).toEqual({ ok: false, error: 'iperf3 reported: unable to connect to server: Connection refused' });
  });

  it('refuses what is not iperf3 output', () => {
    expect(parseIperf3Result('text', 'tcp')).toEqual({ ok: false, error: 'iperf3 output is not a JSON object' });
    expect(parseIperf3Result({ start: {} }, 'tcp')).toEqual({ ok: false, error: 'iperf3 output has no "end" section' });
    expect(parseIperf3Result({ end: {} }, 'tcp')).toEqual({ ok: false, error: 'iperf3 TCP output lacks end.sum_sent or end.sum_received' });
    expect(parseIperf3Result({ end: {} }, 'udp')).toEqual({ ok: false, error: 'iperf3 UDP output lacks end.sum' });
    expect(parseIperf3Result({ start: { test_start: { protocol: 'SCTP' } }, end: {} }, 'tcp')).toEqual({ ok: false, error: 'iperf3 ran an unexpected protocol: sctp' });
  });
});
