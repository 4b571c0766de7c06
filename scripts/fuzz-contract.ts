/**
 * Long run of the contract fuzzer (issue 12): `npm run fuzz:contract -- --minutes 10 --seed 42`.
 * --runs N stops after N pairs (replays a CI seed), --minimize TOP shrinks the examples of the
 * TOP biggest families further, --engine loads compareSchemas from another file.
 * Exits 1 on any missed break, on a rewrite that is not equivalent (harness bug), or when false
 * alarms on equivalent pairs reach 2%.
 */
import { equivalentRate, formatReport, run, type Compare } from '../test/contract-fuzz/run.js';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
};
const minutes = Number(flag('minutes') ?? 10);
const seed = Number(flag('seed') ?? Math.floor(Math.random() * 2 ** 31));
const maxDistinct = Number(flag('max-distinct') ?? 40);
const runs = Number(flag('runs') ?? Number.MAX_SAFE_INTEGER);
const minimizeTop = Number(flag('minimize') ?? 15);
if (!Number.isFinite(minutes) || minutes <= 0 || !Number.isFinite(seed)) {
  console.error('usage: fuzz-contract [--minutes N] [--seed S] [--runs N] [--max-distinct K] [--minimize TOP] [--engine path/to/compare-schema.ts]');
  process.exit(2);
}

console.log(`contract fuzz: ${minutes} min, seed ${seed}`);
const started = Date.now();
let last = 0;
const engine = flag('engine');
const compare = engine
  ? ((await import(engine.startsWith('/') ? engine : `${process.cwd()}/${engine}`)) as { compareSchemas: Compare }).compareSchemas
  : undefined;
if (engine) console.log(`engine: ${engine}`);
const report = run({
  compare,
  minimize: minimizeTop,
  seed,
  numRuns: runs,
  timeLimitMs: minutes * 60_000,
  maxDistinct,
  onProgress: (r) => {
    if (Date.now() - last < 5_000) return;
    last = Date.now();
    console.log(
      `[${((Date.now() - started) / 1000).toFixed(0)} s] pairs ${r.pairs.mutated + r.pairs.equivalent}, missed breaks ${r.missed.length} distinct, equivalent false alarms ${r.falseAlarms.equivalent.pairs}/${r.pairs.equivalent}`,
    );
  },
});
console.log(formatReport(report, 25));
const failed = report.missed.length > 0 || report.nonEquivalent.size > 0 || report.harnessErrors.length > 0 || equivalentRate(report) >= 0.02;
process.exit(failed ? 1 : 0);
