/**
 * The onboarding wizard's steps. Where a workspace stands is the API's answer (GET /onboarding): a step is done when
 * the workspace's own data shows it (a named workspace, a paid plan, products, an asset, an approved asset), and the
 * choices the data can't tell (steps skipped, the free trial kept on purpose) are stored with the workspace, so the
 * wizard resumes where it was on any device. What is left here is how the steps read and how the wizard walks them.
 */
import type { OnboardingOut, Step, StepStatus } from '@/client/types.gen';

export type Onboarding = OnboardingOut;
export type StepId = Step;
export type { StepStatus };

export const STEP_TITLES: Record<StepId, string> = {
  workspace: 'Name your workspace',
  plan: 'Pick a plan',
  catalog: 'Add your products',
  generate: 'Generate a first image',
  approve: 'Approve it',
};

export interface StepState {
  id: StepId;
  title: string;
  status: StepStatus;
}

/** The steps in the API's order, with their titles. */
export function stepStates(onboarding: Onboarding): StepState[] {
  return onboarding.steps.map(({ step, status }) => ({ id: step, title: STEP_TITLES[step], status }));
}

/** The step after `id` that still needs doing (skipped ones included, since the merchant is walking forward). */
export function nextStep(states: readonly StepState[], id: StepId): StepId | null {
  const index = states.findIndex((state) => state.id === id);
  return states.slice(index + 1).find((state) => state.status !== 'done')?.id ?? null;
}

/** The step before `id` (done or not), for Back; null on the first. */
export function previousStep(states: readonly StepState[], id: StepId): StepId | null {
  const index = states.findIndex((state) => state.id === id);
  return index > 0 ? (states[index - 1]?.id ?? null) : null;
}
