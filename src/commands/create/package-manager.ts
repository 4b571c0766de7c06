export const packageManagers = ['npm', 'pnpm', 'yarn'] as const;
export type PackageManager = (typeof packageManagers)[number];

/** The package manager that launched us (`npm create`, `pnpm create`, `yarn create`), else npm. */
export function detectPackageManager(userAgent = process.env.npm_config_user_agent): PackageManager {
  const name = userAgent?.split(' ')[0]?.split('/')[0];
  return packageManagers.find((pm) => pm === name) ?? 'npm';
}

/** How a user runs a package script; `run` is spelled out where a built-in could shadow it (yarn check). */
export function runScriptCommand(pm: PackageManager, script: string): string {
  if (script === 'test' || script === 'start') return `${pm} ${script}`;
  return `${pm} run ${script}`;
}
