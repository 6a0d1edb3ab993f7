/**
 * The onboarding wizard's steps and when each counts as done. Nothing about onboarding is stored by the API: every
 * "done" is read from real data (a paid plan, a store or products, an asset, an approved asset), so the wizard
 * resumes where the workspace really is, on any device. Only what the data can't tell (a step skipped, the free
 * trial kept on purpose) is remembered in this browser.
 */

export const STEP_IDS = ['workspace', 'plan', 'catalog', 'generate', 'approve'] as const;
export type StepId = (typeof STEP_IDS)[number];

export const STEP_TITLES: Record<StepId, string> = {
  workspace: 'Name your workspace',
  plan: 'Pick a plan',
  catalog: 'Add your products',
  generate: 'Generate a first image',
  approve: 'Approve it',
};

export interface OnboardingFacts {
  /** The workspace has a name of its own (not the "<name>'s workspace" given at sign-up). */
  workspaceNamed: boolean;
  /** A paid plan is running. */
  hasPlan: boolean;
  /** A store is connected or products exist. */
  hasCatalog: boolean;
  hasAsset: boolean;
  hasApprovedAsset: boolean;
}

export interface LocalProgress {
  skipped: StepId[];
  /** The merchant chose to keep the free trial for now. */
  trialChosen: boolean;
}

export type StepStatus = 'done' | 'skipped' | 'todo';

export interface StepState {
  id: StepId;
  title: string;
  status: StepStatus;
}

export function defaultWorkspaceName(userName: string): string {
  return `${userName}'s workspace`;
}

export function isDone(id: StepId, facts: OnboardingFacts, local: LocalProgress): boolean {
  switch (id) {
    case 'workspace':
      return facts.workspaceNamed;
    case 'plan':
      return facts.hasPlan || local.trialChosen;
    case 'catalog':
      return facts.hasCatalog;
    case 'generate':
      return facts.hasAsset;
    case 'approve':
      return facts.hasApprovedAsset;
  }
}

export function stepStates(facts: OnboardingFacts, local: LocalProgress): StepState[] {
  return STEP_IDS.map((id) => ({
    id,
    title: STEP_TITLES[id],
    status: isDone(id, facts, local) ? 'done' : local.skipped.includes(id) ? 'skipped' : 'todo',
  }));
}

/** Where the wizard opens: the first step neither done nor skipped; null when there is nothing left. */
export function firstOpenStep(states: readonly StepState[]): StepId | null {
  return states.find((state) => state.status === 'todo')?.id ?? null;
}

/** The step after `id` that still needs doing (skipped ones included, since the merchant is walking forward). */
export function nextStep(states: readonly StepState[], id: StepId): StepId | null {
  const index = STEP_IDS.indexOf(id);
  return states.slice(index + 1).find((state) => state.status !== 'done')?.id ?? null;
}

export function doneCount(states: readonly StepState[]): number {
  return states.filter((state) => state.status === 'done').length;
}

const KEY = 'epox.onboarding';

export function loadLocalProgress(organizationId: string): LocalProgress {
  try {
    const raw = localStorage.getItem(`${KEY}.${organizationId}`);
    const value = raw ? (JSON.parse(raw) as Partial<LocalProgress>) : {};
    const skipped = Array.isArray(value.skipped)
      ? value.skipped.filter((id): id is StepId => (STEP_IDS as readonly string[]).includes(id))
      : [];
    return { skipped, trialChosen: value.trialChosen === true };
  } catch {
    return { skipped: [], trialChosen: false };
  }
}

export function saveLocalProgress(organizationId: string, progress: LocalProgress): void {
  try {
    localStorage.setItem(`${KEY}.${organizationId}`, JSON.stringify(progress));
  } catch {
    // Private mode without storage: skips last until the next reload.
  }
}
