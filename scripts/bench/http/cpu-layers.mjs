#!/usr/bin/env node
// Where a server's CPU goes, by layer: system calls by name (fsync, pwrite64, fcntl, network), the
// rest of the kernel (interrupts, scheduling), SQLite, V8 and Node's C++, JIT-compiled JavaScript
// and libc. A V8 CPU profile cannot tell this: it samples the main thread's wall clock, so a flush
// it waits through counts as SQLite's time, and the kernel's work in the call is not in it.
//
// Samples come from `perf record -e cpu-clock -g` attached to the server (Debian: linux-perf),
// which counts on-CPU time only, in every thread of the process. In `npm run bench:http` set
// BENCH_HTTP_PERF to row ids; alone:
//
//   node scripts/bench/http/cpu-layers.mjs <perf.data> <requests served while recording>
import { execFileSync, spawn } from 'node:child_process';

const FREQUENCY_HZ = 4000;

/** Starts recording `pid` into `file`; the returned function stops it and resolves once perf has written the file. */
export function recordCpuLayers(pid, file) {
  const perf = spawn('perf', ['record', '-e', 'cpu-clock', '-F', String(FREQUENCY_HZ), '-g', '-p', String(pid), '-o', file], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  perf.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise((resolve, reject) => {
    perf.once('error', (error) =>
      reject(new Error(`perf record could not start (${error.message}); install perf (Debian: linux-perf) or unset BENCH_HTTP_PERF.`)),
    );
    perf.once('close', (code, signal) => {
      // perf record ends with 0 when it is stopped with SIGINT; anything else means it recorded nothing.
      if (code === 0 || signal === 'SIGINT') resolve();
      else reject(new Error(`perf record exited with ${code ?? signal}: ${stderr.trim().split('\n').at(-1) ?? ''}`));
    });
  });
  // Heard when stopping, where the caller can still stop its servers.
  exited.catch(() => undefined);
  return async () => {
    perf.kill('SIGINT');
    await exited;
  };
}

const USER_LAYERS = [
  [/better_sqlite3\.node$/, 'SQLite (better-sqlite3)'],
  [/^\[unknown\]$|perf-\d+\.map$|^\[JIT\]/, 'JavaScript (JIT code)'],
  [/(^|\/)node$/, 'V8 and Node.js (C++, builtins, GC)'],
  [/(^|\/)libc\.so/, 'libc (copies, malloc)'],
];

/** The layer of one sample, from its stack (leaf first): the system call it is in, or the library of its leaf frame. */
function layerOf(frames) {
  const [leaf] = frames;
  if (!leaf) return 'unknown';
  if (leaf.dso === '[kernel.kallsyms]') {
    // The handler is the frame the syscall entry called; some are inlined into it (do_writev).
    const entry = frames.findIndex((frame) => frame.symbol === 'do_syscall_64');
    const handler = frames.slice(0, Math.max(0, entry)).findLast((frame) => frame.symbol !== 'x64_sys_call');
    // On the way out of a call the kernel may schedule or deliver a signal: not the call's work.
    if (!handler || /exit_to_user_mode/.test(handler.symbol)) return 'kernel: interrupts, scheduling, other';
    return `kernel: ${handler.symbol.replace(/^(__(x64|ia32|do|se)_sys_|ksys_|do_)/, '')}`;
  }
  return USER_LAYERS.find(([pattern]) => pattern.test(leaf.dso))?.[1] ?? `other: ${leaf.dso.split('/').pop()}`;
}

/** Samples per layer in the text of `perf script -F ip,sym,dso` (one stack per sample, leaf first). */
export function layersFromScript(text) {
  const samples = new Map();
  for (const block of text.split(/\n\s*\n/)) {
    const frames = block
      .split('\n')
      .map((line) => line.trim().match(/^[0-9a-f]+\s+(.*?)\s+\((.*)\)$/))
      .filter(Boolean)
      .map(([, symbol, dso]) => ({ symbol: symbol.replace(/\+0x[0-9a-f]+$/, ''), dso }));
    if (frames.length === 0) continue;
    const layer = layerOf(frames);
    samples.set(layer, (samples.get(layer) ?? 0) + 1);
  }
  return samples;
}

/** Samples per layer in a perf.data file, and the CPU time one sample stands for. */
export function cpuLayers(file) {
  const text = execFileSync('perf', ['script', '-i', file, '-F', 'ip,sym,dso'], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
  return { samples: layersFromScript(text), sampleUs: 1e6 / FREQUENCY_HZ };
}

/** µs of CPU per request by layer, largest first, over several recordings of the same cell. */
export function layersPerRequest(recordings) {
  const requests = recordings.reduce((sum, r) => sum + r.requests, 0);
  const total = new Map();
  let sampleUs = 0;
  for (const { file } of recordings) {
    const layers = cpuLayers(file);
    sampleUs = layers.sampleUs;
    for (const [layer, count] of layers.samples) total.set(layer, (total.get(layer) ?? 0) + count);
  }
  return [...total].map(([layer, count]) => ({ layer, us: requests > 0 ? (count * sampleUs) / requests : 0 })).sort((a, b) => b.us - a.us);
}

const SMALL_US = 0.5;

/** A markdown table: one column per cell (row id and concurrency), µs per request; layers under 0.5 µs everywhere share a line. */
export function layersTable(cells) {
  const at = (cell, layer) => cell.layers.find((l) => l.layer === layer)?.us ?? 0;
  const peak = (layer) => Math.max(...cells.map((cell) => at(cell, layer)));
  const all = [...new Set(cells.flatMap((cell) => cell.layers.map(({ layer }) => layer)))].sort((a, b) => peak(b) - peak(a));
  const small = all.filter((layer) => peak(layer) < SMALL_US);
  const lines = [`| µs of CPU per request | ${cells.map((c) => c.name).join(' | ')} |`, `|---|${cells.map(() => '---:').join('|')}|`];
  for (const layer of all.filter((l) => peak(l) >= SMALL_US)) lines.push(`| ${layer} | ${cells.map((c) => at(c, layer).toFixed(1)).join(' | ')} |`);
  if (small.length > 0) {
    const sum = (cell) => small.reduce((total, layer) => total + at(cell, layer), 0);
    lines.push(`| ${small.length} more, each under ${SMALL_US} µs | ${cells.map((c) => sum(c).toFixed(1)).join(' | ')} |`);
  }
  lines.push(`| **total** | ${cells.map((c) => c.layers.reduce((sum, l) => sum + l.us, 0).toFixed(1)).join(' | ')} |`);
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, requests] = process.argv.slice(2);
  if (!file || !(Number(requests) > 0)) {
    console.error('Usage: node scripts/bench/http/cpu-layers.mjs <perf.data> <requests served while recording>');
    process.exit(1);
  }
  console.log(layersTable([{ name: file, layers: layersPerRequest([{ file, requests: Number(requests) }]) }]));
}
