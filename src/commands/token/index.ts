import { withProjectAdmin } from '../../core/admin.js';
import type { Project } from '../../core/project.js';

export interface TokenOutput {
  json: boolean;
  write(text: string): void;
}

const printJson = (out: TokenOutput, value: unknown) => out.write(`${JSON.stringify(value, null, 2)}\n`);

function printSecret(out: TokenOutput, token: string): void {
  out.write('This is the only time the token is shown. Store it in your secret manager now:\n\n');
  out.write(`  ${token}\n\n`);
}

export async function issueTokenCommand(
  project: Project,
  options: { scopes: string[]; expires?: string; name?: string; principal?: string },
  out: TokenOutput,
): Promise<void> {
  const { token, record } = await withProjectAdmin(project, (admin) => admin.tokens.issue(options));
  if (out.json) return printJson(out, { token, ...record });
  out.write(`Issued ${record.id} for principal ${record.principalId} (name ${record.name}), scopes ${record.scopes.join(' ')}, expires ${record.expiresAt}.\n`);
  printSecret(out, token);
}

export async function listTokensCommand(project: Project, out: TokenOutput): Promise<void> {
  const tokens = await withProjectAdmin(project, (admin) => admin.tokens.list());
  if (out.json) return printJson(out, tokens);
  if (tokens.length === 0) return out.write('No tokens. Issue one with `mcp-prod token issue --scopes <scopes>`.\n');
  const rows = [
    ['ID', 'NAME', 'PRINCIPAL', 'SCOPES', 'STATUS', 'EXPIRES', 'LAST USED', 'TOKEN'],
    ...tokens.map((t) => [t.id, t.name, t.principalId, t.scopes.join(' '), t.status, t.expiresAt.slice(0, 16).replace('T', ' '), t.lastUsedAt?.slice(0, 16).replace('T', ' ') ?? '-', t.hint]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) out.write(`${row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()}\n`);
}

export async function revokeTokenCommand(project: Project, id: string, out: TokenOutput): Promise<void> {
  const record = await withProjectAdmin(project, (admin) => admin.tokens.revoke(id));
  if (out.json) return printJson(out, record);
  out.write(`Revoked ${record.id} (principal ${record.principalId}). Requests carrying it are refused from now on.\n`);
}

export async function rotateTokenCommand(project: Project, id: string, options: { grace?: string }, out: TokenOutput): Promise<void> {
  const { token, record, previous } = await withProjectAdmin(project, (admin) => admin.tokens.rotate(id, options));
  if (out.json) return printJson(out, { token, ...record, previous });
  out.write(`Rotated ${previous.id} into ${record.id} (same principal and scopes). ${previous.id} stays valid until ${previous.expiresAt}.\n`);
  printSecret(out, token);
}
