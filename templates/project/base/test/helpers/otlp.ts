/**
 * An OTLP/HTTP receiver for tests (JSON bodies, as the server's exporters send them) and helpers
 * to read what it received: spans, attributes as plain objects, metric data points.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Attribute = { key: string; value: Record<string, unknown> };
export type OtlpSpan = {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Attribute[];
  events?: { name: string }[];
  status?: { code?: number; message?: string };
};
export type DataPoint = { attributes: Attribute[]; count?: number | string; sum?: number; asInt?: number | string; asDouble?: number };
export type OtlpMetric = { name: string; unit?: string; histogram?: { dataPoints: DataPoint[] }; sum?: { dataPoints: DataPoint[] } };

export const SPAN_KIND_SERVER = 2;
export const STATUS_ERROR = 2;

/** An OTLP/HTTP receiver: what the exporters POST to /v1/traces and /v1/metrics, parsed. */
export async function startReceiver() {
  const received = { traces: [] as unknown[], metrics: [] as unknown[], headers: [] as IncomingHttpHeaders[] };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.headers.push(req.headers);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
      if (req.url === '/v1/traces') received.traces.push(body);
      if (req.url === '/v1/metrics') received.metrics.push(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    spans: () =>
      received.traces.flatMap((body) =>
        (body as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] }).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)),
      ),
    /** Cumulative metrics: the last export holds every total so far. */
    metric: (name: string): OtlpMetric | undefined => {
      const last = received.metrics.at(-1) as { resourceMetrics: { scopeMetrics: { metrics: OtlpMetric[] }[] }[] } | undefined;
      return last?.resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics)).find((m) => m.name === name);
    },
    resource: () => (received.traces[0] as { resourceSpans: { resource: { attributes: Attribute[] } }[] }).resourceSpans[0]!.resource,
    /** Resolves once spans satisfying `done` have arrived (a server process exports them when it stops). */
    async waitForSpans(done: (spans: OtlpSpan[]) => boolean, timeoutMs = 10_000): Promise<OtlpSpan[]> {
      const deadline = Date.now() + timeoutMs;
      while (!done(this.spans())) {
        if (Date.now() > deadline)
          throw new Error(
            `spans not received within ${timeoutMs} ms; got ${
              this.spans()
                .map((span) => span.name)
                .join(', ') || 'none'
            }`,
          );
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return this.spans();
    },
    async waitForMetrics(timeoutMs = 10_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (received.metrics.length === 0) {
        if (Date.now() > deadline) throw new Error(`no metrics received within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    clear: () => {
      received.traces.length = 0;
      received.metrics.length = 0;
      received.headers.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An OTLP attribute list as a plain object. */
export function attrs(list: Attribute[] | undefined): Record<string, unknown> {
  const plain = (value: Record<string, unknown>): unknown => {
    if ('arrayValue' in value) return ((value.arrayValue as { values?: Record<string, unknown>[] }).values ?? []).map(plain);
    const [, v] = Object.entries(value)[0] ?? [];
    return typeof v === 'string' && 'intValue' in value ? Number(v) : v;
  };
  return Object.fromEntries((list ?? []).map(({ key, value }) => [key, plain(value)]));
}

export const point = (metric: OtlpMetric | undefined, match: Record<string, unknown>) =>
  [...(metric?.sum?.dataPoints ?? []), ...(metric?.histogram?.dataPoints ?? [])].filter((p) => {
    const a = attrs(p.attributes);
    return Object.entries(match).every(([k, v]) => a[k] === v);
  });
export const total = (points: DataPoint[]) => points.reduce((sum, p) => sum + Number(p.asInt ?? p.asDouble ?? p.count ?? 0), 0);
