import { z } from 'zod';
import { CliError } from '../../core/errors.js';
import type { Project } from '../../core/project.js';
import { withProjectAdmin } from '../../project/admin.js';
import { issuedTokenSchema, rotatedTokenSchema, tokenViewSchema, validateFromProject } from '../../project/interface.js';
import { CLI_ADMIN_SCOPE, isKnownScope, knownScopes, loadScopeRules, projectScopes, suggestScope, type ScopeRules } from '../../project/scopes.js';
import { renderTable } from '../../reporters/table.js';
import { issueTokenOptionsSchema, type IssueTokenOptions, type RotateTokenOptions } from './options.js';

export { issueTokenOptionsSchema, rotateTokenOptionsSchema } from './options.js';

const FROM = (operation: string) => `src/admin.ts tokens.${operation}()`;

export interface TokenOutput {
  json: boolean;
  write(text: string): void;
  /** Warnings go here (stderr in the CLI), so `--json` output stays parseable. */
  warn?(text: string): void;
}

const printJson = (out: TokenOutput, value: unknown) => out.write(`${JSON.stringify(value, null, 2)}\n`);

function printSecret(out: TokenOutput, token: string): void {
  out.write('This is the only time the token is shown. Store it in your secret manager now:\n\n');
  out.write(`  ${token}\n\n`);
}

/**
 * A scope no tool requires is usually a slip (`Notes:Read`, `note:read`): the token would be
 * issued, and then refused by every tool. Warn with the scopes that do exist, or with
 * `strict`, refuse.
 */
async function checkScopes(project: Project, scopes: string[], strict: boolean, out: TokenOutput): Promise<void> {
  let used: string[];
  let rules: ScopeRules;
  try {
    used = (await projectScopes(project)).scopes;
    rules = await loadScopeRules(project);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (strict)
      throw new CliError(`--strict: cannot tell which scopes the tools use: ${reason}`, error instanceof CliError && error.hint ? { hint: error.hint } : {});
    out.warn?.(`warning: the scopes were not checked against the tools: ${reason}\n`);
    return;
  }
  // mcp-prod:admin is no tool's: `mcp-prod dashboard` asks for it beyond loopback.
  const unknown = scopes.filter((scope) => scope !== CLI_ADMIN_SCOPE && !isKnownScope(scope, used, rules));
  if (unknown.length === 0) return;
  const known = knownScopes(used, rules);
  const named = unknown.map((scope) => {
    const guess = suggestScope(scope, known);
    return guess ? `${scope} (did you mean ${guess}?)` : scope;
  });
  const problem = `no tool of this project requires ${named.join(', ')}`;
  const listing =
    used.length === 0
      ? 'The project has no tools that require a scope.'
      : `Scopes the tools require: ${used.join(' ')}. Known scopes (admin covers write covers read): ${known.join(' ')}.`;
  if (strict) throw new CliError(`--scopes: ${problem}.`, { hint: `${listing}\nCorrect the scope, or leave out --strict to issue it anyway.` });
  out.warn?.(`warning: --scopes: ${problem}; the token is issued, but no tool accepts that scope.\n${listing}\nPass --strict to refuse unknown scopes.\n`);
}

export async function issueTokenCommand(project: Project, options: IssueTokenOptions, out: TokenOutput): Promise<void> {
  const { strict, ...request } = issueTokenOptionsSchema.parse(options);
  await checkScopes(project, request.scopes, strict, out);
  const issued = await withProjectAdmin(project, (admin) =>
    admin.tokens.issue({
      scopes: request.scopes,
      ...(request.expires ? { expires: request.expires } : {}),
      ...(request.name ? { name: request.name } : {}),
      ...(request.principal ? { principal: request.principal } : {}),
    }),
  );
  const { token, record } = validateFromProject(issuedTokenSchema, issued, FROM('issue'));
  if (out.json) return printJson(out, { token, ...record });
  out.write(`Issued ${record.id} for principal ${record.principalId} (name ${record.name}), scopes ${record.scopes.join(' ')}, expires ${record.expiresAt}.\n`);
  printSecret(out, token);
}

export async function listTokensCommand(project: Project, out: TokenOutput): Promise<void> {
  const tokens = validateFromProject(z.array(tokenViewSchema), await withProjectAdmin(project, (admin) => admin.tokens.list()), FROM('list'));
  if (out.json) return printJson(out, tokens);
  if (tokens.length === 0) return out.write('No tokens. Issue one with `mcp-prod token issue --scopes <scopes>`.\n');
  const rows = [
    ['ID', 'NAME', 'PRINCIPAL', 'SCOPES', 'STATUS', 'EXPIRES', 'LAST USED', 'TOKEN'],
    ...tokens.map((t) => [
      t.id,
      t.name,
      t.principalId,
      t.scopes.join(' '),
      t.status,
      t.expiresAt.slice(0, 16).replace('T', ' '),
      t.lastUsedAt?.slice(0, 16).replace('T', ' ') ?? '-',
      t.hint,
    ]),
  ];
  out.write(renderTable(rows));
}

export async function revokeTokenCommand(project: Project, id: string, out: TokenOutput): Promise<void> {
  const record = validateFromProject(tokenViewSchema, await withProjectAdmin(project, (admin) => admin.tokens.revoke(id)), FROM('revoke'));
  if (out.json) return printJson(out, record);
  out.write(`Revoked ${record.id} (principal ${record.principalId}). Requests carrying it are refused from now on.\n`);
}

export async function rotateTokenCommand(project: Project, id: string, options: RotateTokenOptions, out: TokenOutput): Promise<void> {
  const rotated = await withProjectAdmin(project, (admin) => admin.tokens.rotate(id, options));
  const { token, record, previous } = validateFromProject(rotatedTokenSchema, rotated, FROM('rotate'));
  if (out.json) return printJson(out, { token, ...record, previous });
  out.write(`Rotated ${previous.id} into ${record.id} (same principal and scopes). ${previous.id} stays valid until ${previous.expiresAt}.\n`);
  printSecret(out, token);
}
