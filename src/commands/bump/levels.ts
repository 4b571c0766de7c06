/** Kept apart from the options schema so the CLI can list them without loading zod schemas at start-up. */
export const bumpLevels = ['major', 'minor', 'patch'] as const;
