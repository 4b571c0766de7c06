// What every peer server shares: the fixture it answers search_notes with (the generated
// project's own result, captured by run.mjs), the port it is given, and the "started" line the
// harness waits for (the same JSON shape the generated server logs).
import { readFileSync } from 'node:fs';

/** The `content` array of the captured search_notes result. */
export const fixtureContent = () => JSON.parse(readFileSync(process.env.BENCH_HTTP_FIXTURE, 'utf8')).content;

export const port = () => Number(process.env.PORT ?? 0);
export const HOST = '127.0.0.1';

export const TOOL_DESCRIPTION = "Search the caller's notes by a word or phrase in the title or body; newest first.";
export const QUERY_DESCRIPTION = 'Text to look for in titles and bodies';
export const LIMIT_DESCRIPTION = 'Most notes to return';

// Exit on SIGTERM instead of dying of it, so that node writes a --cpu-prof profile (BENCH_HTTP_PROFILE).
process.once('SIGTERM', () => process.exit(0));

export function announce(url) {
  process.stderr.write(`${JSON.stringify({ event: 'started', url })}\n`);
}
