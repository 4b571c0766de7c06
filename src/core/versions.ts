/**
 * Exact versions written into generated projects. Exact pins are deliberate (pattern 7: an SDK
 * upgrade arrives as a reviewed Renovate PR that runs the project's tests and evals, never as a
 * silent range bump). The comments let Renovate keep this file current too.
 */
export const generatedDependencies = {
  // renovate: datasource=npm depName=@modelcontextprotocol/server
  '@modelcontextprotocol/server': '2.4.0',
  // renovate: datasource=npm depName=better-sqlite3
  'better-sqlite3': '12.11.1',
  // renovate: datasource=npm depName=jose
  jose: '6.2.18',
  // OpenTelemetry: the API is a no-op facade imported everywhere; the SDK packages are loaded only
  // when OTEL_EXPORTER_OTLP_ENDPOINT is set. The 2.12/0.223 line is the last to support Node 20 (and takes api < 1.10).
  // renovate: datasource=npm depName=@opentelemetry/api
  '@opentelemetry/api': '1.9.1',
  // renovate: datasource=npm depName=@opentelemetry/context-async-hooks
  '@opentelemetry/context-async-hooks': '2.12.0',
  // renovate: datasource=npm depName=@opentelemetry/core
  '@opentelemetry/core': '2.12.0',
  // renovate: datasource=npm depName=@opentelemetry/exporter-metrics-otlp-http
  '@opentelemetry/exporter-metrics-otlp-http': '0.223.0',
  // renovate: datasource=npm depName=@opentelemetry/exporter-trace-otlp-http
  '@opentelemetry/exporter-trace-otlp-http': '0.223.0',
  // renovate: datasource=npm depName=@opentelemetry/resources
  '@opentelemetry/resources': '2.12.0',
  // renovate: datasource=npm depName=@opentelemetry/sdk-metrics
  '@opentelemetry/sdk-metrics': '2.12.0',
  // renovate: datasource=npm depName=@opentelemetry/sdk-trace-base
  '@opentelemetry/sdk-trace-base': '2.12.0',
  // renovate: datasource=npm depName=pg
  pg: '8.23.1',
  // renovate: datasource=npm depName=pino
  pino: '10.4.0',
  // renovate: datasource=npm depName=redis
  redis: '6.3.1',
  // renovate: datasource=npm depName=zod
  zod: '4.6.7',
} as const;

export const generatedDevDependencies = {
  // renovate: datasource=npm depName=@biomejs/biome
  '@biomejs/biome': '2.6.8',
  // renovate: datasource=npm depName=@modelcontextprotocol/client
  '@modelcontextprotocol/client': '2.4.0',
  // The SDK v1 client, which most deployed MCP clients are built on: tests drive the server with it too.
  // renovate: datasource=npm depName=@modelcontextprotocol/sdk
  '@modelcontextprotocol/sdk': '1.32.2',
  // renovate: datasource=npm depName=@types/better-sqlite3
  '@types/better-sqlite3': '7.6.13',
  // renovate: datasource=npm depName=@types/pg
  '@types/pg': '8.23.1',
  // renovate: datasource=npm depName=@types/node
  '@types/node': '20.19.43',
  // renovate: datasource=npm depName=tsx
  tsx: '4.23.15',
  // renovate: datasource=npm depName=typescript
  typescript: '7.0.2',
  // renovate: datasource=npm depName=vitest
  vitest: '4.1.12',
} as const;

/** Node versions a generated project supports and its CI matrix tests: 20 (end of life, still deployed), 22 and 24. */
export const GENERATED_NODE_ENGINES = '^20.12.0 || >=22.0.0';
