// Is a series flat or growing? A least-squares line through the samples after the warm-up; the
// verdict compares what the line gains over the measured window with a tolerance: a share of the
// series' median, or an absolute floor for small series (a handful of file descriptors). Pure.

/** Least-squares fit of y = slope·x + intercept; slope 0 for fewer than two distinct x. */
export function linearFit(points) {
  const n = points.length;
  if (n < 2) return { slope: 0, intercept: n === 1 ? points[0].y : 0 };
  let sx = 0, sy = 0;
  for (const p of points) { sx += p.x; sy += p.y; }
  const mx = sx / n, my = sy / n;
  let sxx = 0, sxy = 0;
  for (const p of points) { sxx += (p.x - mx) ** 2; sxy += (p.x - mx) * (p.y - my); }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

export function median(values) {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * samples: [{ t: seconds since start, [key]: number }]. warmupShare of the run (at least
 * minWarmupSeconds) is left out: caches, pools and JIT fill up first.
 * Returns { slopePerHour, change (over the measured window), median, first, last, verdict }.
 */
export function trend(samples, key, { relative = 0.1, floor = 0, warmupShare = 0.2, minWarmupSeconds = 60 } = {}) {
  if (samples.length === 0) return { slopePerHour: 0, change: 0, median: 0, first: 0, last: 0, verdict: 'no data' };
  const end = samples[samples.length - 1].t;
  const warmup = Math.min(end * 0.5, Math.max(minWarmupSeconds, end * warmupShare));
  let window = samples.filter((s) => s.t >= warmup);
  if (window.length < 3) window = samples;
  const points = window.map((s) => ({ x: s.t, y: s[key] }));
  const { slope } = linearFit(points);
  const span = window[window.length - 1].t - window[0].t;
  const change = slope * span;
  const mid = median(points.map((p) => p.y));
  const tolerance = Math.max(floor, Math.abs(mid) * relative);
  return {
    slopePerHour: slope * 3600,
    change,
    median: mid,
    first: points[0].y,
    last: points[points.length - 1].y,
    tolerance,
    verdict: change > tolerance ? 'growing' : 'flat',
  };
}
