import { localPrincipal, type Authenticate } from './platform/auth.js';
import { systemClock, type Clock } from './platform/clock.js';
import { createLogger, type Logger } from './platform/logger.js';
import type { PipelineDeps } from './platform/pipeline.js';
import { createRegistry, type Registry } from './platform/registry.js';
import type { AnyTool } from './platform/tool.js';
import { loadConfig, type Config } from './config.js';
import { openStore, type Store } from './store/index.js';
import { tools as registeredTools } from './tools/index.js';

/** Everything the server needs, built once per process and shared by every request. */
export interface App extends PipelineDeps {
  readonly config: Config;
  close(): Promise<void>;
}

export interface AppOverrides {
  config?: Config;
  store?: Store;
  logger?: Logger;
  clock?: Clock;
  tools?: readonly AnyTool[];
  authenticate?: Authenticate;
}

/** Until token auth lands, the local principal holds every scope some registered tool needs. */
function allScopes(registry: Registry): string[] {
  return [...new Set(registry.tools.flatMap(({ tool }) => tool.scopes))].sort();
}

export function createApp(overrides: AppOverrides = {}): App {
  const config = overrides.config ?? loadConfig();
  const logger = overrides.logger ?? createLogger({ level: config.logLevel });
  const registry = createRegistry(overrides.tools ?? registeredTools);
  const store = overrides.store ?? openStore(config);
  return {
    config,
    registry,
    store,
    logger,
    clock: overrides.clock ?? systemClock,
    authenticate: overrides.authenticate ?? localPrincipal(allScopes(registry)),
    async close() {
      await store.close();
    },
  };
}
