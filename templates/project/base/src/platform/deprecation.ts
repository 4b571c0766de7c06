/**
 * Pattern 5: deprecate-then-remove.
 *
 * Phase 1 (from `since`): the tool works, and both its listing and its results carry a notice
 * naming the replacement. Phase 2 (from `refuseAfter`, default since + 30 days): calls are refused
 * with `removed_use_replacement`. Phase 3 (from `removeAfter`, default refuseAfter + 30 days): the
 * registration may be deleted with `mcp-prod deprecate --remove`. Dates are whole UTC days and
 * every phase starts at 00:00Z of its date; phases are evaluated per call against the clock.
 */
import { ErrorCode, ToolError } from './errors.js';

export interface Deprecation {
  /** YYYY-MM-DD (UTC) from which the tool is deprecated. */
  since: string;
  /** Name of the tool callers should move to. */
  replacement: string;
  refuseAfter?: string;
  removeAfter?: string;
  reason?: string;
}

/** The notice as clients see it in `_meta["mcp-prod/deprecation"]`, with defaults filled in. */
export interface DeprecationNotice {
  since: string;
  replacement: string;
  refuseAfter: string;
  removeAfter: string;
  reason?: string;
}

export type DeprecationPhase = 'active' | 'deprecated' | 'refused' | 'removable';

const DAY_MS = 86_400_000;
const DEFAULT_WINDOW_DAYS = 30;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

function parseDay(value: string, field: string, where: string): number {
  const ms = Date.parse(`${value}T00:00:00Z`);
  if (!ISO_DAY.test(value) || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) {
    throw new Error(`${where}: deprecated.${field} "${value}" is not a calendar date in YYYY-MM-DD form`);
  }
  return ms;
}

const formatDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Validates a deprecation and fills in the default phase dates. */
export function parseDeprecation(deprecation: Deprecation, where: string): DeprecationNotice {
  const since = parseDay(deprecation.since, 'since', where);
  const refuseAfter = deprecation.refuseAfter ? parseDay(deprecation.refuseAfter, 'refuseAfter', where) : since + DEFAULT_WINDOW_DAYS * DAY_MS;
  const removeAfter = deprecation.removeAfter ? parseDay(deprecation.removeAfter, 'removeAfter', where) : refuseAfter + DEFAULT_WINDOW_DAYS * DAY_MS;
  if (refuseAfter < since) throw new Error(`${where}: deprecated.refuseAfter is before deprecated.since`);
  if (removeAfter < refuseAfter) throw new Error(`${where}: deprecated.removeAfter is before deprecated.refuseAfter`);
  if (deprecation.replacement.trim() === '') throw new Error(`${where}: deprecated.replacement is empty`);
  return {
    since: deprecation.since,
    replacement: deprecation.replacement,
    refuseAfter: formatDay(refuseAfter),
    removeAfter: formatDay(removeAfter),
    ...(deprecation.reason ? { reason: deprecation.reason } : {}),
  };
}

export function deprecationPhase(notice: DeprecationNotice | undefined, now: Date): DeprecationPhase {
  if (!notice) return 'active';
  const t = now.getTime();
  if (t >= Date.parse(`${notice.removeAfter}T00:00:00Z`)) return 'removable';
  if (t >= Date.parse(`${notice.refuseAfter}T00:00:00Z`)) return 'refused';
  if (t >= Date.parse(`${notice.since}T00:00:00Z`)) return 'deprecated';
  return 'active';
}

/** The one-line notice prefixed to a deprecated tool's description, so models read it too. */
export function deprecatedDescription(description: string, notice: DeprecationNotice): string {
  const reason = notice.reason ? ` ${notice.reason}` : '';
  return `DEPRECATED: use ${notice.replacement} instead; calls are refused from ${notice.refuseAfter}.${reason}\n${description}`;
}

/**
 * The pipeline stage: returns the notice to attach while deprecated, throws
 * `removed_use_replacement` once the refusal date has passed.
 */
export function checkDeprecation(tool: { name: string; deprecated: DeprecationNotice | undefined }, now: Date): DeprecationNotice | undefined {
  const notice = tool.deprecated;
  const phase = deprecationPhase(notice, now);
  if (phase === 'active' || !notice) return undefined;
  if (phase === 'deprecated') return notice;
  throw new ToolError(ErrorCode.removedUseReplacement, `${tool.name} was retired on ${notice.refuseAfter}; call ${notice.replacement} instead.`, {
    details: { replacement: notice.replacement, refusedSince: notice.refuseAfter, removeAfter: notice.removeAfter },
  });
}
