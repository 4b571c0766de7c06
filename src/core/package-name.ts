const NAME_PATTERN = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;
const RESERVED = new Set(['node_modules', 'favicon.ico']);

/**
 * Problems with `name` as an npm package name (empty when valid). Mirrors the registry's rules
 * for new packages: lower case, URL-safe, at most 214 characters, no leading dot or underscore.
 */
export function packageNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length === 0) return ['it is empty'];
  if (name.length > 214) problems.push('it is longer than 214 characters');
  if (name !== name.trim()) problems.push('it has leading or trailing spaces');
  if (/[A-Z]/.test(name)) problems.push('it has upper-case letters');
  if (name.startsWith('.') || name.startsWith('_')) problems.push('it starts with "." or "_"');
  if (RESERVED.has(name)) problems.push(`"${name}" is a reserved name`);
  if (problems.length === 0 && !NAME_PATTERN.test(name)) {
    problems.push('it may only contain lower-case letters, digits and "-._~" (with an optional @scope/ prefix)');
  }
  return problems;
}

/** A valid package name derived from free text (e.g. "My Server" -> "my-server"), or '' if none can be. */
export function toPackageName(input: string): string {
  const name = input
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9-~._]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[-._]+|-+$/g, '')
    .slice(0, 214);
  return RESERVED.has(name) ? `${name.replace(/_/g, '-')}-app` : name;
}
