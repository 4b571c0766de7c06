/** Kept apart from the options schema so the CLI can list them without loading zod schemas at start-up. */
export const costGroupings = ['tool', 'user', 'day'] as const;
