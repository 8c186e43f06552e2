// What each role may do in the Studio: one table, used by the navigation, the
// home page and the links on each page. It mirrors the server's default
// policies (auth/rbac.conf and the permission matrix in e2e/permissions_test.go),
// which still decide every request: hiding a page here only spares people a
// page that would show them nothing.

export type Role = 'ADMIN' | 'OWNER' | 'EDITOR' | 'ANNOTATOR' | 'REVIEWER' | 'VIEWER' | 'PARTNER';

export interface Abilities {
  /** Lists annotation tasks (read on task/*). */
  tasks: boolean;
  /** Annotates (annotate on task/*). */
  annotate: boolean;
  /** Reviews: the review page, gold versions (review on task/*). */
  review: boolean;
  /** Reads the team's datasets, or those shared with it (partners). */
  datasets: boolean;
  /** Reads models (read on model/*). */
  models: boolean;
  /** Adds data, creates datasets, tasks and aliases (write on the team's resources). */
  write: boolean;
  /** Shares datasets and manages the team's API keys. */
  own: boolean;
  /** Reads and verifies the audit log. */
  audit: boolean;
}

const ALL: Abilities = { tasks: true, annotate: true, review: true, datasets: true, models: true, write: true, own: true, audit: true };
const NONE: Abilities = { tasks: false, annotate: false, review: false, datasets: false, models: false, write: false, own: false, audit: false };

const TABLE: Record<Role, Abilities> = {
  ADMIN: ALL,
  OWNER: { ...ALL, audit: false },
  EDITOR: { ...ALL, own: false, audit: false },
  ANNOTATOR: { ...NONE, tasks: true, annotate: true },
  REVIEWER: { ...NONE, tasks: true, review: true },
  VIEWER: { ...NONE, tasks: true, datasets: true, models: true },
  PARTNER: { ...NONE, datasets: true },
};

/** What a caller with role may do; nothing for an unknown or missing role. */
export function abilities(role: string | null | undefined): Abilities {
  return TABLE[role as Role] ?? NONE;
}

/** The page a caller lands on at /studio/: their tasks, or the datasets shared with them. */
export function home(role: string | null | undefined): '/studio/tasks' | '/studio/datasets' {
  const a = abilities(role);
  return !a.tasks && a.datasets ? '/studio/datasets' : '/studio/tasks';
}
