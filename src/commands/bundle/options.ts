import { z } from 'zod';

export const bundleOptionsSchema = z.object({
  /** The .mcpb file to write, or a directory to write it into (default: the project root). */
  out: z.string().min(1).optional(),
});
export type BundleOptions = z.input<typeof bundleOptionsSchema>;
