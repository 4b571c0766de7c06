import { budgetSettingsSchema, budgetStandingSchema, type BudgetSettings, type BudgetStanding, type ProjectAdmin, validateFromProject } from './interface.js';

export interface ProjectBudgets {
  settings: BudgetSettings;
  standing: BudgetStanding;
}

/** The limits the project enforces and each principal's budget on `day`, validated; null for a project that predates them. */
export async function readBudgets(admin: Pick<ProjectAdmin, 'budgets'>, day: string): Promise<ProjectBudgets | null> {
  if (!admin.budgets) return null;
  const settings = validateFromProject(budgetSettingsSchema, admin.budgets.settings(), 'src/admin.ts budgets.settings()');
  const standing = validateFromProject(budgetStandingSchema, await admin.budgets.standing(day), 'src/admin.ts budgets.standing()');
  return { settings, standing };
}
