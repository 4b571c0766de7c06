/**
 * Tool-level rules, then the two schemas. Scopes are an all-required set: a new scope that no
 * old one already covers, by the project's own hierarchy, is breaking (with read < write <
 * admin: notes:read -> notes:write is, notes:admin -> notes:write is not). `readOnly` and `idempotency` are promises and demands: readOnly true -> false and any
 * move to idempotency "required" (a new demand) or "none" (a withdrawn promise) are breaking;
 * "none"/"required" -> "optional" are additive. Removing the output schema is breaking.
 */
import { compareSchemas } from './compare-schema.js';
import { stableStringify } from './normalize.js';
import type { Finding, ToolContract } from './types.js';

/**
 * Whether holding `granted` implies holding `required`. The project owns its scope hierarchy
 * (its src/platform/scopes.ts); callers pass the one the project's server enforces.
 */
export type ScopeCovers = (granted: string, required: string) => boolean;

export function compareTools(before: ToolContract | undefined, after: ToolContract | undefined, scopeCovers: ScopeCovers): Finding[] {
  if (!before && !after) return [];
  if (!before) return [{ pointer: '', rule: 'tool.added', verdict: 'additive', message: 'tool added' }];
  if (!after) return [{ pointer: '', rule: 'tool.removed', verdict: 'breaking', message: 'tool removed' }];

  const findings: Finding[] = [];
  const add = (finding: Finding) => findings.push(finding);

  const newDemands = after.scopes.filter((scope) => !before.scopes.some((old) => scopeCovers(scope, old) && scopeCovers(old, scope)));
  for (const scope of newDemands) {
    const covered = before.scopes.some((old) => scopeCovers(old, scope));
    add(
      covered
        ? { pointer: '/scopes', rule: 'tool.scope-relaxed', verdict: 'additive', message: `scope "${scope}" is implied by a scope callers already needed` }
        : { pointer: '/scopes', rule: 'tool.scope-added', verdict: 'breaking', message: `scope "${scope}" is now required` },
    );
  }
  for (const scope of before.scopes) {
    if (!after.scopes.includes(scope) && !newDemands.some((s) => scopeCovers(scope, s))) {
      add({ pointer: '/scopes', rule: 'tool.scope-removed', verdict: 'additive', message: `scope "${scope}" is no longer required` });
    }
  }

  if (before.readOnly !== after.readOnly) {
    add(
      before.readOnly
        ? { pointer: '/readOnly', rule: 'tool.read-only-removed', verdict: 'breaking', message: 'the tool is no longer read-only' }
        : { pointer: '/readOnly', rule: 'tool.read-only-added', verdict: 'additive', message: 'the tool is now read-only' },
    );
  }

  if (before.idempotency !== after.idempotency) {
    const breaking = after.idempotency === 'required' || after.idempotency === 'none';
    const why =
      after.idempotency === 'required'
        ? 'callers must now send a key'
        : after.idempotency === 'none'
          ? 'keys are no longer honoured'
          : 'keys are accepted but not demanded';
    add({
      pointer: '/idempotency',
      rule: `tool.idempotency-${breaking ? 'tightened' : 'relaxed'}`,
      verdict: breaking ? 'breaking' : 'additive',
      message: `idempotency "${before.idempotency}" -> "${after.idempotency}": ${why}`,
    });
  }

  if (stableStringify(before.deprecated) !== stableStringify(after.deprecated)) {
    const message = !before.deprecated
      ? `deprecated in favour of ${after.deprecated!.replacement}`
      : !after.deprecated
        ? 'no longer deprecated'
        : 'deprecation schedule changed';
    add({ pointer: '/deprecated', rule: 'tool.deprecation-changed', verdict: 'additive', message });
  }

  if (before.description !== after.description)
    add({ pointer: '/description', rule: 'tool.description-changed', verdict: 'doc', message: 'description changed' });

  findings.push(...compareSchemas(before.inputSchema, after.inputSchema, 'input', '/inputSchema'));
  if (before.outputSchema && !after.outputSchema) {
    add({
      pointer: '/outputSchema',
      rule: 'tool.output-schema-removed',
      verdict: 'breaking',
      message: 'the output schema was removed; clients validating structuredContent lose their contract',
    });
  } else if (!before.outputSchema && after.outputSchema) {
    add({ pointer: '/outputSchema', rule: 'tool.output-schema-added', verdict: 'additive', message: 'an output schema was added' });
  } else if (before.outputSchema && after.outputSchema) {
    findings.push(...compareSchemas(before.outputSchema, after.outputSchema, 'output', '/outputSchema'));
  }
  return findings;
}
