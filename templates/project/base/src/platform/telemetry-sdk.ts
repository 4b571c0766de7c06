/**
 * Observability, the part that runs only when telemetry is on: the OpenTelemetry SDK, imported
 * by `startTelemetry` (./telemetry.ts) and never by anything else, so a server without
 * OTEL_EXPORTER_OTLP_ENDPOINT never loads it.
 *
 * Spans go through a batch processor and metrics through a periodic reader
 * (OTEL_METRIC_EXPORT_INTERVAL, default 60 s), both to OTLP/HTTP with JSON bodies; the exporters
 * read the other OTEL_EXPORTER_OTLP_* variables (headers, compression) themselves, and
 * the provider reads OTEL_TRACES_SAMPLER. OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES override
 * the resource. The tracer provider, a W3C propagator and an AsyncLocalStorage context manager are
 * registered globally (unless something registered its own first), so a handler may also start
 * spans of its own with `trace.getTracer(...)`.
 */
import {
  context,
  diag,
  DiagLogLevel,
  metrics,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapGetter,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ProtocolError } from '@modelcontextprotocol/server';
import type { CallLogLine } from './call-log.js';
import { ATTR, noopSpan, type Telemetry, type TelemetryOptions } from './telemetry.js';
import type { Store, StoreTransaction } from '../store/types.js';

const SCOPE = 'mcp-prod';
/** The conventions' advice for mcp.server.operation.duration, in seconds. */
const DURATION_BUCKETS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];
/** Marks the context of a request this module traces: store spans are made only inside one. */
const REQUEST = Symbol('mcp-prod request');
/**
 * Metrics name a tool only when it is registered: callers choose the names they send, and each
 * new name would be a new time series. Spans keep the name as sent (one span per request).
 */
const OTHER_TOOL = '_OTHER';

interface RequestState {
  span: Span;
  /** Set from the call's log line: whether the tool exists. */
  knownTool: boolean;
}

/** `network.transport`: stdio is a pipe; HTTP runs on TCP. */
const NETWORK_TRANSPORT = { stdio: 'pipe', http: 'tcp', 'in-process': 'inproc' } as const;

const metaGetter: TextMapGetter<Record<string, unknown>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    return typeof value === 'string' ? value : undefined;
  },
};

export async function startSdkTelemetry(options: TelemetryOptions, env: NodeJS.ProcessEnv): Promise<Telemetry> {
  const onWarning = options.onWarning;
  const warn = (message: string, ...args: unknown[]) => onWarning?.([message, ...args].map(readable).join(' '));
  const quiet = () => undefined;
  const diagnosing = onWarning ? diag.setLogger({ error: warn, warn, info: quiet, debug: quiet, verbose: quiet }, DiagLogLevel.WARN) : false;
  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL;
  if (protocol && protocol !== 'http/json') {
    warn(`OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} is not supported here; exporting OTLP/HTTP with JSON bodies (http/json)`);
  }
  const detected = await detectResources({ detectors: [envDetector] });
  const resource = defaultResource()
    .merge(resourceFromAttributes({ 'service.name': options.serviceName, 'service.version': options.serviceVersion }))
    .merge(detected);

  const tracesOn = env.OTEL_TRACES_EXPORTER?.trim() !== 'none';
  const metricsOn = env.OTEL_METRICS_EXPORTER?.trim() !== 'none';
  const tracerProvider = new BasicTracerProvider({
    resource,
    spanProcessors: tracesOn ? [new BatchSpanProcessor(new OTLPTraceExporter(exporterConfig(env, 'traces')))] : [],
  });
  const meterProvider = new MeterProvider({
    resource,
    readers: metricsOn
      ? [
          new PeriodicExportingMetricReader({
            exporter: new OTLPMetricExporter(exporterConfig(env, 'metrics')),
            exportIntervalMillis: Number(env.OTEL_METRIC_EXPORT_INTERVAL) || 60_000,
          }),
        ]
      : [],
  });
  const propagator = new W3CTraceContextPropagator();
  const registered = {
    context: context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable()),
    propagation: propagation.setGlobalPropagator(propagator),
    trace: trace.setGlobalTracerProvider(tracerProvider),
    metrics: metrics.setGlobalMeterProvider(meterProvider),
  };
  const tracer = tracerProvider.getTracer(SCOPE, options.serviceVersion);
  const meter = meterProvider.getMeter(SCOPE, options.serviceVersion);

  const duration = meter.createHistogram('mcp.server.operation.duration', {
    unit: 's',
    description: 'Duration of an MCP request as the server handled it.',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  });
  const calls = meter.createCounter('mcp_prod.tool.calls', { unit: '{call}', description: 'Tool calls, by tool, status and idempotency outcome.' });
  const errors = meter.createCounter('mcp_prod.tool.errors', { unit: '{call}', description: 'Tool calls that ended in an error, by tool and error code.' });
  const replays = meter.createCounter('mcp_prod.tool.replays', { unit: '{call}', description: 'Idempotent calls answered from the stored result.' });
  const cost = meter.createCounter('mcp_prod.tool.cost', {
    unit: 'nUSD',
    description: 'What tool calls spent, in nano-USD, by tool and kind (llm, external).',
  });

  const requestState = (active: Context = context.active()) => active.getValue(REQUEST) as RequestState | undefined;

  let stopped: Promise<void> | undefined;
  return {
    enabled: true,

    async observeRequest(request, run) {
      const target = request.method === 'tools/call' && typeof request.params?.name === 'string' ? request.params.name.slice(0, 128) : undefined;
      const attributes: Attributes = {
        [ATTR.methodName]: request.method,
        [ATTR.requestId]: String(request.id),
        [ATTR.networkTransport]: NETWORK_TRANSPORT[request.transport],
      };
      if (target !== undefined) {
        attributes[ATTR.toolName] = target;
        attributes[ATTR.operationName] = 'execute_tool';
      }
      if (request.sessionId) attributes[ATTR.sessionId] = request.sessionId;
      const parent = request.meta ? propagator.extract(context.active(), request.meta, metaGetter) : context.active();
      const span = tracer.startSpan(target === undefined ? request.method : `${request.method} ${target}`, { kind: SpanKind.SERVER, attributes }, parent);
      const started = performance.now();
      const state: RequestState = { span, knownTool: false };
      let errorType: string | undefined;
      try {
        const result = await context.with(trace.setSpan(parent, span).setValue(REQUEST, state), run);
        if ((result as { isError?: unknown } | undefined)?.isError === true) errorType = 'tool_error';
        return result;
      } catch (error) {
        errorType = error instanceof ProtocolError ? String(error.code) : ((error as Error | undefined)?.name ?? 'Error');
        if (error instanceof ProtocolError) span.setAttribute(ATTR.statusCode, String(error.code));
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error | undefined)?.message });
        throw error;
      } finally {
        const version = request.protocolVersion();
        if (version) span.setAttribute(ATTR.protocolVersion, version);
        if (errorType) {
          span.setAttribute(ATTR.errorType, errorType);
          if (errorType === 'tool_error') span.setStatus({ code: SpanStatusCode.ERROR, message: 'tool_error' });
        }
        span.end();
        const metricAttributes: Attributes = {
          [ATTR.methodName]: request.method,
          [ATTR.networkTransport]: attributes[ATTR.networkTransport],
          ...(target !== undefined ? { [ATTR.toolName]: state.knownTool ? target : OTHER_TOOL, [ATTR.operationName]: 'execute_tool' } : {}),
          ...(version ? { [ATTR.protocolVersion]: version } : {}),
          ...(errorType ? { [ATTR.errorType]: errorType } : {}),
        };
        duration.record((performance.now() - started) / 1000, metricAttributes);
      }
    },

    activeSpan: () => requestState()?.span ?? noopSpan,

    recordCall(line) {
      const tool = { [ATTR.toolName]: line.tool_version === null ? OTHER_TOOL : line.tool_name };
      calls.add(1, { ...tool, [ATTR.status]: line.status, [ATTR.idempotency]: line.idempotency ?? 'none' });
      if (line.error_code) errors.add(1, { ...tool, [ATTR.errorCode]: line.error_code });
      if (line.idempotency === 'replayed') replays.add(1, tool);
      const llm = Number(line.llm_cost_nano_usd);
      const external = Number(line.external_cost_nano_usd);
      if (llm > 0) cost.add(llm, { ...tool, 'mcp_prod.cost.kind': 'llm' });
      if (external > 0) cost.add(external, { ...tool, 'mcp_prod.cost.kind': 'external' });

      const state = requestState();
      if (!state) return;
      state.knownTool = line.tool_version !== null;
      state.span.setAttributes(callAttributes(line, llm + external));
    },

    instrumentStore(store) {
      return tracedStore(store, (name, run) => {
        const active = context.active();
        if (!requestState(active)) return run();
        const kind = store.kind === 'postgres' ? SpanKind.CLIENT : SpanKind.INTERNAL;
        const span = tracer.startSpan(`store ${name}`, { kind, attributes: { [ATTR.storeOperation]: name, [ATTR.storeKind]: store.kind } }, active);
        const fail = (error: unknown): never => {
          span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error | undefined)?.message });
          span.setAttribute(ATTR.errorType, (error as Error | undefined)?.name ?? 'Error');
          span.end();
          throw error;
        };
        let result: ReturnType<typeof run>;
        try {
          result = context.with(trace.setSpan(active, span), run);
        } catch (error) {
          return fail(error);
        }
        if (!(result instanceof Promise)) {
          span.end();
          return result;
        }
        return result.then((value: unknown) => {
          span.end();
          return value;
        }, fail) as typeof result;
      });
    },

    async flush() {
      await Promise.all([tracerProvider.forceFlush(), meterProvider.forceFlush()]);
    },

    shutdown() {
      stopped ??= (async () => {
        await Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]);
        if (registered.trace) trace.disable();
        if (registered.metrics) metrics.disable();
        if (registered.propagation) propagation.disable();
        if (registered.context) context.disable();
        if (diagnosing) diag.disable();
      })();
      return stopped;
    },
  };
}

/** The SDK reports failed exports as a serialized error, stack included: its message says enough. */
function readable(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === 'string' && value.startsWith('{')) {
    try {
      const parsed = JSON.parse(value) as { message?: unknown };
      if (typeof parsed.message === 'string') return parsed.message;
    } catch {
      // not JSON after all
    }
  }
  return String(value);
}

/**
 * The URL (OTEL_EXPORTER_OTLP_{SIGNAL}_ENDPOINT as given, or OTEL_EXPORTER_OTLP_ENDPOINT plus
 * /v1/{signal}) and the timeout from `env`; the exporter reads headers and compression itself.
 */
function exporterConfig(env: NodeJS.ProcessEnv, signal: 'traces' | 'metrics'): { url?: string; timeoutMillis?: number } {
  const upper = signal.toUpperCase();
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const url = env[`OTEL_EXPORTER_OTLP_${upper}_ENDPOINT`] || (base ? `${base.replace(/\/+$/, '')}/v1/${signal}` : undefined);
  const timeoutMillis = Number(env[`OTEL_EXPORTER_OTLP_${upper}_TIMEOUT`] ?? env.OTEL_EXPORTER_OTLP_TIMEOUT) || undefined;
  return { ...(url ? { url } : {}), ...(timeoutMillis ? { timeoutMillis } : {}) };
}

function callAttributes(line: CallLogLine, costNanoUsd: number): Attributes {
  const attributes: Attributes = {
    [ATTR.callId]: line.call_id,
    [ATTR.status]: line.status,
    [ATTR.scopes]: line.scopes_required,
    [ATTR.costNanoUsd]: costNanoUsd,
  };
  if (line.tool_version) attributes[ATTR.toolVersion] = line.tool_version;
  if (line.user_id) attributes[ATTR.principal] = line.user_id;
  if (line.idempotency) attributes[ATTR.idempotency] = line.idempotency;
  if (line.error_code) attributes[ATTR.errorCode] = line.error_code;
  if (line.unpriced_llm_items > 0) attributes[ATTR.unpriced] = line.unpriced_llm_items;
  const phase = line.status === 'deprecated' ? 'deprecated' : line.error_code === 'removed_use_replacement' ? 'refused' : undefined;
  if (phase) attributes[ATTR.deprecationPhase] = phase;
  return attributes;
}

type Traced = <T>(name: string, run: () => T) => T;

/**
 * The store with its own methods, the methods of its repositories and `transaction` run through
 * `traced`; a transaction's repositories (ctx.tx) are wrapped the same way. Only plain objects
 * are repositories: a driver handle (`db`, `pool`) passes through untouched. One proxy per object
 * and prefix, so that repositories keep a stable identity.
 */
function tracedStore(store: Store, traced: Traced): Store {
  const proxies = new WeakMap<object, Map<string, object>>();
  const wrap = <T extends object>(holder: T, prefix: string, replaced: Record<string, unknown> = {}): T => {
    let byPrefix = proxies.get(holder);
    if (!byPrefix) {
      byPrefix = new Map();
      proxies.set(holder, byPrefix);
    }
    const existing = byPrefix.get(prefix);
    if (existing) return existing as T;
    const proxy = new Proxy(holder, {
      get(target, property, receiver) {
        if (typeof property === 'string' && property in replaced) return replaced[property];
        const value: unknown = Reflect.get(target, property, receiver);
        const name = `${prefix}${String(property)}`;
        if (typeof value === 'function') return (...args: unknown[]) => traced(name, () => (value as (...a: unknown[]) => unknown).apply(target, args));
        if (isPlainObject(value)) return wrap(value, `${name}.`);
        return value;
      },
    });
    byPrefix.set(prefix, proxy);
    return proxy;
  };
  const transaction = <T>(work: (tx: StoreTransaction) => Promise<T>) => traced('transaction', () => store.transaction((tx) => work(wrap(tx, 'tx.'))));
  return wrap(store, '', { transaction });
}

function isPlainObject(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
