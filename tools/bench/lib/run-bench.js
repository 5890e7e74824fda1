// The frame every benchmark runs in: measure into one result, clean up whatever happens (also on
// Ctrl-C), print the summary, exit 0 only for a valid run. Shared by tools/bench/*.
'use strict';

/**
 * @param {{ log: (line: string) => void, cleanUp: () => Promise<void>,
 *   measure: (result: object) => Promise<void>, summary: (result: object) => boolean }} bench
 *   measure fills `result`; summary prints the last JSON line and says whether the run is valid.
 */
async function runBench({ log, cleanUp, measure, summary }) {
  const started = Date.now();
  const result = {};
  const onSignal = () => {
    log('interrupted: cleaning up...');
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await measure(result);
  } catch (e) {
    result.error = e.message;
    log(`failed: ${e.stack ?? e.message}`);
  } finally {
    await cleanUp();
  }
  const valid = summary({ ...result, seconds: Math.round((Date.now() - started) / 1000) });
  process.exit(valid ? 0 : 1);
}

module.exports = { runBench };
