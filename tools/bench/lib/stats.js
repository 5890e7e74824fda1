// Figures of a benchmark: rounding for the JSON line and the summary, and percentiles taken the way
// the ceiling scripts take them (nearest rank below). Shared by tools/bench/*.
'use strict';

/** x rounded to `digits` decimals; null for a missing or non-finite value (the JSON line says null). */
const round = (x, digits = 2) => (x === null || x === undefined || !Number.isFinite(x) ? null : Number(x.toFixed(digits)));

/** A whole number with thousands separators, for the summary. */
const int = (n) => (n === null || n === undefined ? 'n/a' : Math.round(n).toLocaleString('en-US'));

/** The q-quantile of sorted numbers (nearest rank below, as amqp-limit.js takes it). */
function quantile(sorted, q) {
  if (sorted.length === 0) return null;
  return sorted[Math.floor(q * (sorted.length - 1))];
}

/** Count, min, p50, p90, p99, max and mean of numbers (an array or a typed array). */
function distribution(values) {
  const sorted = Float64Array.from(values).sort();
  return {
    n: sorted.length,
    min: sorted.length ? sorted[0] : null,
    p50: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    p99: quantile(sorted, 0.99),
    max: sorted.length ? sorted[sorted.length - 1] : null,
    mean: sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : null,
  };
}

module.exports = { round, int, quantile, distribution };
