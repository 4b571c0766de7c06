#!/usr/bin/env node
// The functions a V8 CPU profile (node --cpu-prof, e.g. from BENCH_HTTP_PROFILE=ours npm run
// bench:http) spent the most self time in, as a markdown table:
//
//   node scripts/bench/http/top-self-time.mjs .bench/http/profiles/ours-search.….cpuprofile [N=25]
//
// Self time is summed from the profile's sample time deltas, per function (name, script, line),
// so a function that several call paths reach counts once. Percentages are of the busy time:
// the samples where the main thread was not idle (the idle share is printed above the table).
import { readFileSync } from 'node:fs';
import path from 'node:path';

const [file, count = '25'] = process.argv.slice(2);
if (!file) {
  console.error('Usage: node scripts/bench/http/top-self-time.mjs <file.cpuprofile> [N]');
  process.exit(1);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));

/** Self microseconds per node id: sample i lasted timeDeltas[i + 1] (the last one has no end, so it counts 0). */
const selfByNode = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const delta = profile.timeDeltas[i + 1] ?? 0;
  selfByNode.set(profile.samples[i], (selfByNode.get(profile.samples[i]) ?? 0) + delta);
}

const cwd = process.cwd();
const where = ({ url, lineNumber }) => {
  if (!url) return '';
  const local = url.startsWith('file://') ? path.relative(cwd, new URL(url).pathname) : url;
  return `${local}:${lineNumber + 1}`;
};
const byFunction = new Map();
let total = 0;
for (const [id, micros] of selfByNode) {
  const { callFrame } = nodes.get(id);
  const name = callFrame.functionName || '(anonymous)';
  const key = `${name}\u0000${where(callFrame)}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
  total += micros;
}

const idle = byFunction.get('(idle)\u0000') ?? 0;
byFunction.delete('(idle)\u0000');
const busy = total - idle;
const top = [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(count));
console.log(
  `${path.basename(file)}: ${(total / 1000).toFixed(0)} ms sampled (${profile.samples.length} samples), main thread busy ${(busy / 1000).toFixed(0)} ms, idle ${((idle / total) * 100).toFixed(0)}%\n`,
);
console.log('| self ms | % of busy | function | where |');
console.log('|---|---|---|---|');
for (const [key, micros] of top) {
  const [name, at] = key.split('\u0000');
  console.log(`| ${(micros / 1000).toFixed(1)} | ${((micros / busy) * 100).toFixed(1)} | ${name} | ${at || '-'} |`);
}
