import { announcesListening, errorText, Iperf3Exit, iperf3Outcome } from './iperf3-outcome';

const exit = (change: Partial<Iperf3Exit>): Iperf3Exit => ({ code: 0, signal: null, stdout: '', stderr: '', ...change });

describe('announcesListening', () => {
  it('finds the "Server listening" line of its port only', () => {
    const banner = '-----------\nServer listening on 5201 (test #1)\n-----------\n';
    expect(announcesListening(banner, 5201)).toBe(true);
    expect(announcesListening(banner, 520)).toBe(false);
    expect(announcesListening('Accepted connection from 127.0.0.1', 5201)).toBe(false);
  });
});

describe('iperf3Outcome', () => {
  it('passes a client\'s JSON on as its output', () => {
    const json = { start: {}, end: { sum_received: { bits_per_second: 1e9 } } };
    expect(iperf3Outcome('client', exit({ stdout: JSON.stringify(json) }))).toEqual({ success: true, output: json });
  });

  it('fails a client with the error iperf3 put in its JSON, keeping the JSON', () => {
    const json = { start: {}, end: {}, error: 'unable to connect to server: Connection refused' };
    expect(iperf3Outcome('client', exit({ code: 1, stdout: JSON.stringify(json) }))).toEqual({
      success: false,
      output: json,
      error: 'iperf3: unable to connect to server: Connection refused',
    });
  });

  it('fails a client that printed no JSON, with what it said', () => {
    expect(iperf3Outcome('client', exit({ code: 1, stderr: 'iperf3: parameter error\n' }))).toEqual({
      success: false,
      error: 'iperf3 exited with code 1 without JSON output: iperf3: parameter error',
    });
  });

  it('succeeds a server that exited 0 after its one test', () => {
    expect(iperf3Outcome('server', exit({ stdout: 'Server listening on 5201\n...' }))).toEqual({ success: true });
  });

  it('fails a server with iperf3\'s error lines', () => {
    const stderr = 'iperf3: error - unable to start listener for connections: Address already in use\niperf3: exiting\n';
    expect(iperf3Outcome('server', exit({ code: 1, stderr }))).toEqual({
      success: false,
      error: 'iperf3: error - unable to start listener for connections: Address already in use',
    });
    expect(iperf3Outcome('server', exit({ code: null, signal: 'SIGSEGV' }))).toEqual({ success: false, error: 'iperf3 was killed by SIGSEGV' });
  });

  it('fails a task whose iperf3 could not be started', () => {
    expect(iperf3Outcome('client', exit({ code: null, spawnError: 'spawn iperf3 ENOENT' }))).toEqual({
      success: false,
      error: 'iperf3 could not be started: spawn iperf3 ENOENT',
    });
  });
});

describe('errorText', () => {
  it('keeps an error within 8000 characters and never empty', () => {
    expect(errorText('x'.repeat(9000))).toHaveLength(8000);
    expect(errorText('  ')).toBe('unknown error');
  });
});
