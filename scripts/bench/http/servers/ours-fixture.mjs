// The generated server with its whole pipeline (token check, scopes, validation, log line, cost
// record), built from the sample project, whose search_notes answers the captured fixture instead
// of querying SQLite: the same handler work as every peer, so that this row compares frameworks.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { announce, fixtureContent } from './common.mjs';

const built = (file) => import(pathToFileURL(path.join(process.env.BENCH_PROJECT_DIR, 'dist', file)).href);
const [{ createApp }, { startHttpServer }, { tools }] = await Promise.all([built('app.js'), built('http.js'), built('tools/index.js')]);

const answer = JSON.parse(fixtureContent()[0].text);
const app = createApp({ tools: tools.map((tool) => (tool.name === 'search_notes' ? { ...tool, handler: async () => answer } : tool)) });
const running = await startHttpServer(app);
announce(running.url);
