import { z } from 'zod';
import { dailyCostRowSchema, type DailyCostRow, type ProjectAdmin, validateFromProject } from './interface.js';

/** The project's daily cost roll-up from `since` (YYYY-MM-DD) on, validated. */
export async function readDailyCosts(admin: Pick<ProjectAdmin, 'costs'>, since: string): Promise<DailyCostRow[]> {
  return validateFromProject(z.array(dailyCostRowSchema), await admin.costs.daily(since), 'src/admin.ts costs.daily()');
}
