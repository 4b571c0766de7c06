// Measurement helpers shared by the load benchmarks (instances.mjs, http/run.mjs): quantiles,
// a process's CPU time and memory from /proc, the servers' "started" log line, and the JSON-RPC
// message in a JSON or SSE response body.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * The q-quantile of an ascending array (nearest rank, no interpolation).
 * @example quantile([1, 2, 3, 4], 0.5) // 3
 */
export const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/**
 * The median: the middle value, or the mean of the two middle values of an even count; undefined for none.
 * @example median([4, 1, 3, 2]) // 2.5
 */
export function median(values) {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const half = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
}

let clockTicks;
/** Clock ticks per second (`getconf CLK_TCK`), the unit of utime/stime in /proc/<pid>/stat; 100 when getconf is missing. */
export function clockTicksPerSecond() {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** CPU seconds (user + system) a process has used so far, from /proc; undefined elsewhere or once it is gone. */
export function processCpu(pid) {
  try {
    // The command name in parentheses may contain spaces: fields are counted after its `) `.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond();
  } catch {
    return undefined;
  }
}

/** Busy and total CPU seconds of the whole machine so far, from the first line of /proc/stat; undefined elsewhere. */
export function machineCpu() {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    const idle = ticks[3] + ticks[4]; // idle, iowait
    const total = ticks.reduce((a, b) => a + b, 0);
    return { busy: (total - idle) / clockTicksPerSecond(), total: total / clockTicksPerSecond() };
  } catch {
    return undefined;
  }
}

/** Resident memory of a process in bytes (VmRSS in /proc/<pid>/status); undefined elsewhere. */
/** A field of /proc/<pid>/status in bytes: VmRSS (resident now) or VmHWM (the most it has been resident). */
function statusBytes(pid, field) {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${field}:`));
    return line ? Number(line.split(/\s+/)[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export const processRss = (pid) => statusBytes(pid, 'VmRSS');

/** The peak resident size: unlike the size now, it does not depend on when the last garbage collection ran. */
export const processPeakRss = (pid) => statusBytes(pid, 'VmHWM');

/**
 * The URL of the first `{"event":"started","url":...}` JSON line in a server's log text, if any.
 * @example startedUrl('{"level":30,"event":"started","url":"http://127.0.0.1:4242/mcp"}\n') // 'http://127.0.0.1:4242/mcp'
 */
export function startedUrl(logText) {
  for (const line of logText.split('\n')) {
    if (!line.includes('"started"')) continue;
    try {
      const event = JSON.parse(line);
      if (event.event === 'started' && event.url) return event.url;
    } catch {
      // Not a JSON line that merely mentions "started".
    }
  }
  return undefined;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until a spawned server writes its "started" line into `logFile` and returns the URL.
 * Throws, with the log, when the process exits first (`exited()` returns its exit status) or after `timeoutMs`.
 */
export async function waitForStarted({ logFile, exited, name, timeoutMs = 20_000 }) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const text = readFileSync(logFile, 'utf8');
    const url = startedUrl(text);
    if (url) return url;
    const status = exited();
    if (status) throw new Error(`${name} exited (${JSON.stringify(status)}) before it started:\n${text}`);
    await sleep(50);
  }
  throw new Error(`${name} did not print its "started" line within ${timeoutMs / 1000} s; see ${logFile}`);
}

/**
 * The JSON-RPC response with `id` in a JSON body, or in the SSE stream (`event: message` /
 * `data: {...}`) a Streamable HTTP server may answer with; undefined when there is none.
 */
export function rpcResponse(contentType, text, id) {
  if (contentType.includes('text/event-stream')) {
    for (const line of text.split('\n')) {
      // FastMCP opens its stream with an event whose data is empty (a resumption point).
      const data = line.startsWith('data:') ? line.slice(5).trim() : '';
      if (!data) continue;
      const message = JSON.parse(data);
      if (message.id === id) return message;
    }
    return undefined;
  }
  return JSON.parse(text);
}

/**
 * Stops started servers ({ child, exited }): SIGTERM, which drains a generated server and lets
 * node write a --cpu-prof profile on exit, then SIGKILL after 15 s.
 */
export async function stopProcesses(servers) {
  await Promise.all(
    servers.map(async ({ child, exited }) => {
      if (exited) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await gone;
      clearTimeout(timer);
    }),
  );
}
