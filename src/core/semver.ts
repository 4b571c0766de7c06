/**
 * A semantic version as a generated project accepts it (templates/project/base/src/platform/semver.ts):
 * `1.2.3`, `1.2.3-beta.1`, `1.2.3+build`. test/unit/project-interface.test.ts keeps the two in step.
 */
export const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

export const isSemver = (version: string): boolean => SEMVER.test(version);
