/**
 * The fault suite's promise that nothing secret reaches a log. Every fault test hands the log
 * text its servers wrote to `collectLogs`, and every token or idempotency key it used to
 * `collectSecrets`; after the whole run, `teardown` (a vitest global setup) scans every collected
 * line for every collected secret, so a secret one test used is also looked for in the logs of
 * all the others.
 */
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const dir = path.join(tmpdir(), `mcp-prod-fault-logs-${process.env.MCP_PROD_FAULT_RUN ?? 'local'}`);

export function collectLogs(text: string): void {
  mkdirSync(dir, { recursive: true });
  appendFileSync(path.join(dir, `logs-${process.pid}.txt`), text.endsWith('\n') ? text : `${text}\n`);
}

export function collectSecrets(...secrets: string[]): void {
  mkdirSync(dir, { recursive: true });
  appendFileSync(
    path.join(dir, `secrets-${process.pid}.txt`),
    secrets
      .filter((s) => s.length >= 8)
      .map((s) => `${s}\n`)
      .join(''),
  );
}

/** Vitest global setup: a fresh collection per run, and the scan when the run ends. */
export function setup(): void {
  process.env.MCP_PROD_FAULT_RUN = `${process.pid}-${Date.now()}`;
}

export function teardown(): void {
  const runDir = path.join(tmpdir(), `mcp-prod-fault-logs-${process.env.MCP_PROD_FAULT_RUN}`);
  let files: string[] = [];
  try {
    files = readdirSync(runDir);
  } catch {
    return;
  }
  const read = (prefix: string) =>
    files
      .filter((f) => f.startsWith(prefix))
      .flatMap((f) => readFileSync(path.join(runDir, f), 'utf8').split('\n'))
      .filter(Boolean);
  const secrets = [...new Set(read('secrets-'))];
  const lines = read('logs-');
  rmSync(runDir, { recursive: true, force: true });
  const leaks = lines.flatMap((line, index) =>
    secrets.filter((secret) => line.includes(secret)).map((secret) => `line ${index + 1} holds a secret starting ${secret.slice(0, 6)}…`),
  );
  if (leaks.length > 0) {
    process.stderr.write(`FAIL fault suite: secrets reached the logs:\n${leaks.slice(0, 20).join('\n')}\n`);
    // A throw here is only reported; the run itself must fail.
    process.exitCode = 1;
    return;
  }
  process.stderr.write(`fault suite: ${lines.length} log lines scanned for ${secrets.length} secrets, none found\n`);
}
