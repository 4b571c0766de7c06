/**
 * Observability: OpenTelemetry, following the MCP semantic conventions (opt-in).
 *
 * Off unless OTEL_EXPORTER_OTLP_ENDPOINT (or a per-signal OTEL_EXPORTER_OTLP_{TRACES,METRICS}_ENDPOINT)
 * is set, and OTEL_SDK_DISABLED is not "true". When off, nothing here loads the OpenTelemetry
 * SDK or even its API (only types are imported): every hook below is a constant no-op, so the
 * pipeline's latency is unchanged. When on, `startTelemetry` imports ./telemetry-sdk.js, which
 * exports spans and metrics over OTLP/HTTP (JSON bodies):
 *
 * - one SERVER span per MCP request (tools/call, tools/list, initialize, ping, ...), named
 *   `{mcp.method.name} {target}`, continuing the trace in `params._meta.traceparent`/`tracestate`;
 * - for tools/call, the attributes of the call's log line (src/platform/call-log.ts) under
 *   `mcp_prod.*`, and a child span for every store operation made inside it;
 * - `mcp.server.operation.duration` per request, and counters of calls, errors by code, replays
 *   and cost by tool, recorded from the same log line (so calls refused at the HTTP gate, which
 *   never become MCP requests and have no span, are still counted).
 *
 * Handlers reach the call's span as `ctx.span` (a no-op span when telemetry is off). The MCP
 * conventions are in Development status and moved to open-telemetry/semantic-conventions-genai,
 * so the attribute names are spelled out here rather than imported.
 */
import type { Span, SpanContext } from '@opentelemetry/api';
import { Server, type JSONRPCRequest, type Result, type ServerContext, type ServerOptions } from '@modelcontextprotocol/server';
import type { CallerInfo } from './auth.js';
import type { CallLogLine } from './call-log.js';
import type { Store } from '../store/types.js';

/** Attribute names: the MCP and GenAI semantic conventions, then ours. */
export const ATTR = {
  methodName: 'mcp.method.name',
  protocolVersion: 'mcp.protocol.version',
  sessionId: 'mcp.session.id',
  toolName: 'gen_ai.tool.name',
  operationName: 'gen_ai.operation.name',
  requestId: 'jsonrpc.request.id',
  statusCode: 'rpc.response.status_code',
  networkTransport: 'network.transport',
  errorType: 'error.type',
  callId: 'mcp_prod.call_id',
  toolVersion: 'mcp_prod.tool.version',
  scopes: 'mcp_prod.scopes',
  principal: 'mcp_prod.principal_id',
  status: 'mcp_prod.status',
  idempotency: 'mcp_prod.idempotency',
  deprecationPhase: 'mcp_prod.deprecation.phase',
  costNanoUsd: 'mcp_prod.cost.nano_usd',
  unpriced: 'mcp_prod.cost.unpriced_items',
  errorCode: 'mcp_prod.error.code',
  storeOperation: 'mcp_prod.store.operation',
  storeKind: 'mcp_prod.store.kind',
} as const;

/** What the server knows about one MCP request when it starts handling it. */
export interface ObservedRequest {
  method: string;
  id: string | number;
  params: Record<string, unknown> | undefined;
  /** `params._meta`, where the caller's `traceparent` and `tracestate` travel. */
  meta: Record<string, unknown> | undefined;
  sessionId: string | undefined;
  transport: CallerInfo['transport'];
  /** Read when the request ends: an `initialize` only knows its version afterwards. */
  protocolVersion(): string | undefined;
}

export interface Telemetry {
  readonly enabled: boolean;
  /** Runs one MCP request inside its SERVER span, and records its duration. */
  observeRequest<T>(request: ObservedRequest, run: () => Promise<T>): Promise<T>;
  /** The span of the request being handled (what handlers see as `ctx.span`). */
  activeSpan(): Span;
  /** Adds a finished tool call to the metrics, and its attributes to the request's span. */
  recordCall(line: CallLogLine): void;
  /** The store, with a child span for each operation made inside a traced request. */
  instrumentStore(store: Store): Store;
  /** Exports what is buffered (tests, and before a process exits). */
  flush(): Promise<void>;
  /** Flushes and stops the exporters; called by App.close. */
  shutdown(): Promise<void>;
}

const INVALID_SPAN_CONTEXT: SpanContext = { traceId: '00000000000000000000000000000000', spanId: '0000000000000000', traceFlags: 0 };

/** A span that records nothing: `ctx.span` when telemetry is off. */
export const noopSpan: Span = {
  spanContext: () => INVALID_SPAN_CONTEXT,
  setAttribute: () => noopSpan,
  setAttributes: () => noopSpan,
  addEvent: () => noopSpan,
  addLink: () => noopSpan,
  addLinks: () => noopSpan,
  setStatus: () => noopSpan,
  updateName: () => noopSpan,
  end: () => undefined,
  isRecording: () => false,
  recordException: () => undefined,
};

export const noTelemetry: Telemetry = {
  enabled: false,
  observeRequest: (_request, run) => run(),
  activeSpan: () => noopSpan,
  recordCall: () => undefined,
  instrumentStore: (store) => store,
  flush: async () => undefined,
  shutdown: async () => undefined,
};

export interface TelemetryOptions {
  serviceName: string;
  serviceVersion: string;
  /** Problems the SDK reports (an unreachable collector, a refused export). */
  onWarning?: (message: string) => void;
}

/** Whether the environment asks for telemetry (see the module comment). */
export function telemetryRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT);
}

/**
 * `noTelemetry` unless the environment asks for it; then the SDK is imported and started.
 * `env` decides that, and gives the endpoints, the timeout and the metric interval; the SDK reads
 * the rest of the OTEL_* variables (headers, sampler, resource) from process.env itself.
 */
export async function startTelemetry(options: TelemetryOptions, env: NodeJS.ProcessEnv = process.env): Promise<Telemetry> {
  if (!telemetryRequested(env)) return noTelemetry;
  const { startSdkTelemetry } = await import('./telemetry-sdk.js');
  return startSdkTelemetry(options, env);
}

/**
 * The SDK's low-level Server, with every request handler (its own `initialize` and `ping`
 * included) run through `telemetry.observeRequest`. With telemetry off the handlers are the
 * SDK's, unwrapped.
 */
export class ObservedServer extends Server {
  // Set after super(): the SDK registers initialize and ping while constructing, so the wrapper
  // reads these when a request arrives, not when it is installed.
  private telemetry: Telemetry = noTelemetry;
  private transportName: CallerInfo['transport'] = 'stdio';

  constructor(info: ConstructorParameters<typeof Server>[0], options: ServerOptions, observe: { telemetry: Telemetry; transport: CallerInfo['transport'] }) {
    super(info, options);
    this.telemetry = observe.telemetry;
    this.transportName = observe.transport;
  }

  protected override _wrapHandler(
    method: string,
    handler: (request: JSONRPCRequest, ctx: ServerContext) => Promise<Result>,
  ): (request: JSONRPCRequest, ctx: ServerContext) => Promise<Result> {
    const inner = super._wrapHandler(method, handler);
    return (request, ctx) => {
      if (!this.telemetry.enabled) return inner(request, ctx);
      const params = request.params as Record<string, unknown> | undefined;
      return this.telemetry.observeRequest(
        {
          method,
          id: request.id,
          params,
          meta: ctx.mcpReq._meta as Record<string, unknown> | undefined,
          sessionId: ctx.sessionId,
          transport: this.transportName,
          protocolVersion: () => protocolVersionOf(this, ctx, params),
        },
        () => inner(request, ctx),
      );
    };
  }
}

const PROTOCOL_VERSION_KEY = 'io.modelcontextprotocol/protocolVersion';

function protocolVersionOf(server: Server, ctx: ServerContext, params: Record<string, unknown> | undefined): string | undefined {
  const fromEnvelope = (ctx.mcpReq.envelope as Record<string, unknown> | undefined)?.[PROTOCOL_VERSION_KEY];
  if (typeof fromEnvelope === 'string') return fromEnvelope;
  const fromHeader = ctx.http?.req?.headers.get('mcp-protocol-version');
  if (fromHeader) return fromHeader;
  const negotiated = server.getNegotiatedProtocolVersion();
  if (negotiated) return negotiated;
  return typeof params?.protocolVersion === 'string' ? params.protocolVersion : undefined;
}
