import {
  cachedVerifier,
  createAuthenticate,
  missingScopes,
  storedTokenVerifier,
  type Authenticate,
  type CredentialVerifier,
  type Principal,
} from './platform/auth.js';
import { systemClock, type Clock } from './platform/clock.js';
import { jwtVerifier } from './platform/jwt.js';
import { createLogger, type Logger } from './platform/logger.js';
import type { PipelineDeps } from './platform/pipeline.js';
import { createRegistry, readLockedHistory } from './platform/registry.js';
import type { AnyTool } from './platform/tool.js';
import type { PriceTable } from './platform/cost.js';
import { DEFAULT_TOKEN_CACHE_MS, loadConfig, type Config } from './config.js';
import { priceTable } from './prices.js';
import { noTelemetry, type Telemetry } from './platform/telemetry.js';
import { noBus, openRedisBus, type Bus } from './store/bus.js';
import { openRedisRateCounter } from './store/redis-rates.js';
import type { RateCounter } from './store/types.js';
import { openStore, type Store } from './store/index.js';
import { tools as registeredTools } from './tools/index.js';

/** Everything the server needs, built once per process and shared by every request. */
export interface App extends PipelineDeps {
  readonly config: Config;
  /** Checks presented bearer credentials (HTTP header, stdio environment). */
  readonly verifier: CredentialVerifier;
  /** Messages between instances (REDIS_URL); a no-op without it. */
  readonly bus: Bus;
  /** The tools a principal may see in tools/list (all of them with MCP_PROD_LIST_TOOLS=all). */
  visibleTools(principal: Principal | undefined): Set<string>;
  close(): Promise<void>;
}

export interface AppOverrides {
  config?: Config;
  store?: Store;
  logger?: Logger;
  clock?: Clock;
  tools?: readonly AnyTool[];
  authenticate?: Authenticate;
  verifier?: CredentialVerifier;
  bus?: Bus;
  prices?: PriceTable;
  /** From `startTelemetry` (the entry points call it); off by default. */
  telemetry?: Telemetry;
  rates?: RateCounter;
}

export function createApp(overrides: AppOverrides = {}): App {
  const config = overrides.config ?? loadConfig();
  const logger = overrides.logger ?? createLogger({ level: config.logLevel });
  const registry = createRegistry(overrides.tools ?? registeredTools, { history: readLockedHistory(config.lockfile) });
  const telemetry = overrides.telemetry ?? noTelemetry;
  const opened = overrides.store ?? openStore(config, { onWarning: (event, details) => logger.warn({ event, ...details }, event) });
  const store = telemetry.instrumentStore(opened);
  const clock = overrides.clock ?? systemClock;
  const bus = overrides.bus ?? (config.redisUrl ? openRedisBus(config.redisUrl, throttledWarning(logger, 'bus_error')) : noBus);
  const verifier = overrides.verifier ?? createVerifier(config, store, bus, opened.tokens);
  const redisRates =
    !overrides.rates && config.redisUrl ? openRedisRateCounter(config.redisUrl, store.rates, throttledWarning(logger, 'rate_counter_error')) : undefined;
  const rates = overrides.rates ?? redisRates ?? store.rates;
  const authenticate = overrides.authenticate ?? createAuthenticate({ verifier, stdioCredential: config.token, now: () => clock.now() });
  const allTools = new Set(registry.tools.map(({ tool }) => tool.name));
  return {
    config,
    registry,
    store,
    logger,
    clock,
    verifier,
    bus,
    authenticate,
    idempotency: config.idempotency,
    prices: overrides.prices ?? priceTable,
    telemetry,
    limits: config.limits,
    rates,
    visibleTools(principal) {
      if (config.listTools === 'all') return allTools;
      const scopes = principal?.scopes ?? [];
      return new Set(registry.tools.filter(({ tool }) => missingScopes(scopes, tool.scopes).length === 0).map(({ tool }) => tool.name));
    },
    async close() {
      await bus.close();
      await redisRates?.close();
      await store.close();
      await telemetry.shutdown();
    },
  };
}

/** `untraced`: the store's own tokens, for the change version asked on every request (a local read, not worth a span). */
function createVerifier(config: Config, store: Store, bus: Bus, untraced: Store['tokens']): CredentialVerifier {
  if (config.auth.mode === 'jwt') return jwtVerifier(config.auth.jwt);
  const stored = storedTokenVerifier(store.tokens, store.location);
  const changes = untraced.changeVersion?.bind(untraced);
  // Unset, the cache is on only where a revocation reaches it at once: the store's change
  // version (SQLite, memory) or Redis. PostgreSQL instances on several hosts have only Redis.
  const ttlMs = config.tokenCacheMs ?? (changes || bus.enabled ? DEFAULT_TOKEN_CACHE_MS : 0);
  if (ttlMs === 0) return stored;
  return cachedVerifier(stored, { ttlMs, bus, ...(changes ? { changes } : {}) });
}

/** A reconnecting client reports every failed attempt; one line a minute says enough. */
function throttledWarning(logger: Logger, event: string): (error: Error) => void {
  let last = 0;
  return (error) => {
    if (Date.now() - last < 60_000) return;
    last = Date.now();
    logger.warn({ event, err: error }, event);
  };
}

/**
 * Runs a server process's housekeeping and its shutdown: purges expired records periodically,
 * and on SIGINT/SIGTERM (or whatever `stop` is called with) lets the transport drain and close,
 * then closes the store, exactly once. The exit code is 0 when every call finished, 1 when the
 * transport had to cut calls off at the end of the grace period.
 */
export function runProcess(app: App, closeTransport: () => Promise<{ cutOff: number } | undefined>): (reason: string) => Promise<void> {
  const stopMaintenance = startMaintenance(app);
  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ event: 'stopping', reason, grace_ms: app.config.shutdownGraceMs }, 'stopping');
    stopMaintenance();
    const cutOff = (await closeTransport())?.cutOff ?? 0;
    if (cutOff > 0) app.logger.warn({ event: 'calls_cut_off', count: cutOff }, 'calls_cut_off');
    await app.close();
    app.logger.info({ event: 'stopped', cut_off: cutOff }, 'stopped');
    process.exit(cutOff > 0 ? 1 : 0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  return stop;
}

/** Deletes idempotency records past their retention, and rate counters and budget holds that no longer count, now and every ten minutes after. */
function startMaintenance(app: App): () => void {
  const purge = () =>
    Promise.all([app.store.idempotency.purgeExpired(app.clock.now().getTime()), app.store.budgets.purgeExpired(app.clock.now().getTime())])
      .then(([purged]) => purged > 0 && app.logger.info({ event: 'idempotency_purged', purged }, 'idempotency_purged'))
      .catch((error: unknown) => app.logger.warn({ event: 'maintenance_failed', err: error }, 'maintenance_failed'));
  void purge();
  const timer = setInterval(purge, 10 * 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
