import { CliError } from '../../core/errors.js';
import { importProjectModule, type Project } from '../../core/project.js';

/** The shape of the generated project's src/admin.ts that these commands rely on. */
interface TokenView {
  id: string;
  principalId: string;
  name: string;
  scopes: string[];
  hint: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  rotatedFrom: string | null;
  status: 'active' | 'expired' | 'revoked';
}

interface AdminModule {
  openAdmin(): {
    dbPath: string;
    tokens: {
      issue(options: { scopes: string[]; expires?: string; name?: string; principal?: string }): Promise<{ token: string; record: TokenView }>;
      list(): Promise<TokenView[]>;
      revoke(id: string): Promise<TokenView>;
      rotate(id: string, options: { grace?: string }): Promise<{ token: string; record: TokenView; previous: TokenView }>;
    };
    close(): Promise<void>;
  };
}

export interface TokenOutput {
  json: boolean;
  write(text: string): void;
}

type Admin = ReturnType<AdminModule['openAdmin']>;

/** Opens the project's admin API, runs `work`, and maps the project's UsageError to exit 1. */
async function withAdmin<T>(project: Project, work: (admin: Admin) => Promise<T>): Promise<T> {
  const { openAdmin } = await importProjectModule<AdminModule>(project, 'src/admin.ts');
  let admin: Admin;
  try {
    admin = openAdmin();
  } catch (error) {
    throw asCliError(error);
  }
  try {
    return await work(admin);
  } catch (error) {
    throw asCliError(error);
  } finally {
    await admin.close();
  }
}

function asCliError(error: unknown): unknown {
  if (error instanceof Error && (error.name === 'UsageError' || error.name === 'ConfigError')) return new CliError(error.message);
  return error;
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
  const { token, record } = await withAdmin(project, (admin) => admin.tokens.issue(options));
  if (out.json) return printJson(out, { token, ...record });
  out.write(`Issued ${record.id} for principal ${record.principalId} (name ${record.name}), scopes ${record.scopes.join(' ')}, expires ${record.expiresAt}.\n`);
  printSecret(out, token);
}

export async function listTokensCommand(project: Project, out: TokenOutput): Promise<void> {
  const tokens = await withAdmin(project, (admin) => admin.tokens.list());
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
  const record = await withAdmin(project, (admin) => admin.tokens.revoke(id));
  if (out.json) return printJson(out, record);
  out.write(`Revoked ${record.id} (principal ${record.principalId}). Requests carrying it are refused from now on.\n`);
}

export async function rotateTokenCommand(project: Project, id: string, options: { grace?: string }, out: TokenOutput): Promise<void> {
  const { token, record, previous } = await withAdmin(project, (admin) => admin.tokens.rotate(id, options));
  if (out.json) return printJson(out, { token, ...record, previous });
  out.write(`Rotated ${previous.id} into ${record.id} (same principal and scopes). ${previous.id} stays valid until ${previous.expiresAt}.\n`);
  printSecret(out, token);
}
