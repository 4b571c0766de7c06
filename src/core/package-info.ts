import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Root of the installed create-mcp-prod package (holds package.json and templates/). */
export const packageRoot = fileURLToPath(new URL('../../', import.meta.url));

interface OwnPackageJson {
  name: string;
  version: string;
}

let cached: OwnPackageJson | undefined;

export function ownPackage(): OwnPackageJson {
  cached ??= JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as OwnPackageJson;
  return cached;
}
