import { IntervalPoint, TestProtocol } from '@proctor/contracts';

/** What a client's `iperf3 --json` measured. */
export interface Iperf3Measurement {
  protocol: TestProtocol;
  /** What the data sender put on the wire: the client, or the server with `-R`. */
  sent_bps: number | null;
  /** What the data receiver took in: the server, or the client with `-R`. */
  received_bps: number | null;
  /** TCP only: counted by the sender. */
  retransmits: number | null;
  /** UDP only: measured by the receiver. */
  jitter_ms: number | null;
  lost_percent: number | null;
  /** The client's own per-interval view: its sending rate, or with `-R` its receiving rate. */
  intervals: IntervalPoint[];
  reverse: boolean;
}

export type Iperf3Parse = { ok: true; measurement: Iperf3Measurement } | { ok: false; error: string };

type Json = Record<string, unknown>;

function objectAt(value: unknown, key: string): Json | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const inner = (value as Json)[key];
  return typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? (inner as Json) : undefined;
}

function numberAt(value: Json | undefined, key: string): number | null {
  const inner = value?.[key];
  return typeof inner === 'number' && Number.isFinite(inner) ? inner : null;
}

function intervalsOf(output: Json): IntervalPoint[] {
  const intervals = output.intervals;
  if (!Array.isArray(intervals)) return [];
  const points: IntervalPoint[] = [];
  for (const interval of intervals) {
    const sum = objectAt(interval, 'sum');
    // Omitted intervals (`-O`) are TCP slow start the user asked to leave out of the figures.
    if (!sum || sum.omitted === true) continue;
    const start = numberAt(sum, 'start');
    const end = numberAt(sum, 'end');
    const bps = numberAt(sum, 'bits_per_second');
    if (start !== null && end !== null && bps !== null) points.push({ start_seconds: start, end_seconds: end, bits_per_second: bps });
  }
  return points;
}

/**
 * Reads the JSON of an iperf3 client (`iperf3 -c … --json`, 3.x). `end.sum_sent` and
 * `end.sum_received` describe the data's sender and receiver, whichever way it flows: with `-R`
 * the server sends, so `sum_sent` is the server's figure and `sum_sent.sender` is false from the
 * client's point of view; the retransmits are the sender's. The intervals, though, are what the
 * client measured locally: its sending rate, or with `-R` its receiving rate. For UDP, `end.sum`
 * carries the sender's rate with the receiver's jitter and loss (iperf3 before 3.10 has no UDP
 * `sum_received`, so the received rate stays unknown there).
 */
export function parseIperf3Result(output: unknown, expectedProtocol: TestProtocol): Iperf3Parse {
  if (typeof output !== 'object' || output === null || Array.isArray(output)) return { ok: false, error: 'iperf3 output is not a JSON object' };
  const json = output as Json;
  if (typeof json.error === 'string') return { ok: false, error: `iperf3 reported: ${json.error}` };
  const end = objectAt(json, 'end');
  if (!end) return { ok: false, error: 'iperf3 output has no "end" section' };
  const testStart = objectAt(objectAt(json, 'start'), 'test_start');
  const declared = typeof testStart?.protocol === 'string' ? testStart.protocol.toLowerCase() : expectedProtocol;
  if (declared !== 'tcp' && declared !== 'udp') return { ok: false, error: `iperf3 ran an unexpected protocol: ${declared}` };
  const protocol: TestProtocol = declared;
  const reverse = numberAt(testStart, 'reverse') === 1;
  const sumSent = objectAt(end, 'sum_sent');
  const sumReceived = objectAt(end, 'sum_received');

  if (protocol === 'tcp') {
    if (!sumSent || !sumReceived) return { ok: false, error: 'iperf3 TCP output lacks end.sum_sent or end.sum_received' };
    return {
      ok: true,
      measurement: {
        protocol,
        sent_bps: numberAt(sumSent, 'bits_per_second'),
        received_bps: numberAt(sumReceived, 'bits_per_second'),
        retransmits: numberAt(sumSent, 'retransmits'),
        jitter_ms: null,
        lost_percent: null,
        intervals: intervalsOf(json),
        reverse,
      },
    };
  }

  const sum = objectAt(end, 'sum');
  if (!sum) return { ok: false, error: 'iperf3 UDP output lacks end.sum' };
  return {
    ok: true,
    measurement: {
      protocol,
      sent_bps: numberAt(sum, 'bits_per_second'),
      received_bps: numberAt(sumReceived, 'bits_per_second'),
      retransmits: null,
      jitter_ms: numberAt(sum, 'jitter_ms'),
      lost_percent: numberAt(sum, 'lost_percent'),
      intervals: intervalsOf(json),
      reverse,
    },
  };
}
