import type { DeprecationNotice } from '../core/deprecation-notice.js';

/** JSON Schema as found in a lockfile or a tools/list response. */
export type JsonSchema = { [keyword: string]: unknown };

export type Idempotency = 'required' | 'optional' | 'none';

/** The deprecation notice (src/core/deprecation-notice.ts declares it for every reader). */
export type DeprecationInfo = DeprecationNotice;

/** A tool's contract exactly as clients see it in tools/list. */
export interface ToolContract {
  version: string;
  description: string;
  scopes: string[];
  readOnly: boolean;
  idempotency: Idempotency;
  deprecated: DeprecationInfo | null;
  inputSchema: JsonSchema;
  outputSchema: JsonSchema | null;
}

/** breaking -> major, additive -> minor, doc -> patch. */
export type Verdict = 'breaking' | 'additive' | 'doc';
export type Bump = 'major' | 'minor' | 'patch' | 'none';

export interface Finding {
  /** JSON pointer into the tool's contract, e.g. /inputSchema/properties/query/maxLength. */
  pointer: string;
  /** Stable rule id, e.g. input.property-removed. */
  rule: string;
  verdict: Verdict;
  message: string;
  /** The engine could not prove the change safe, so it reports it as breaking. */
  undecided?: boolean;
}

export type Direction = 'input' | 'output';
