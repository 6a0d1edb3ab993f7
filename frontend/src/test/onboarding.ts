/**
 * GET and PATCH /onboarding for tests, over a state the test controls. Which steps are done is the server's reading
 * of the workspace's data, so a test sets it (`done`) and changes it when that data changes; skips and the kept
 * trial follow the API's rules (api/onboarding/service.py): a kept trial counts the plan step as done, and a step
 * that is done is never listed as skipped.
 */
import type { OnboardingOut, OnboardingUpdate, Step } from '@/client/types.gen';

import { type Handler, json, problem } from './api';

export const STEPS: readonly Step[] = ['workspace', 'plan', 'catalog', 'generate', 'approve'];

export interface OnboardingState {
  /** Steps the workspace's data shows as done. */
  done: Set<Step>;
  skipped: Step[];
  trialKept: boolean;
}

export function onboardingState(done: Step[] = [], { skipped = [], trialKept = false }: Partial<Omit<OnboardingState, 'done'>> = {}): OnboardingState {
  return { done: new Set(done), skipped: [...skipped], trialKept };
}

export function onboardingOut(state: OnboardingState): OnboardingOut {
  const steps = STEPS.map((step) => {
    const done = state.done.has(step) || (step === 'plan' && state.trialKept);
    return { step, status: done ? ('done' as const) : state.skipped.includes(step) ? ('skipped' as const) : ('todo' as const) };
  });
  return {
    steps,
    next_step: steps.find((item) => item.status === 'todo')?.step ?? null,
    done: steps.filter((item) => item.status === 'done').length,
    total: steps.length,
    trial_kept: state.trialKept,
  };
}

export function onboardingHandlers(state: OnboardingState): Record<string, Handler> {
  return {
    'GET /api/v1/onboarding': () => json(onboardingOut(state)),
    'PATCH /api/v1/onboarding': async (request) => {
      const body = (await request.json()) as OnboardingUpdate;
      if (!body.skip && !body.unskip && (body.trial_kept === undefined || body.trial_kept === null)) {
        return problem(422, { errors: [{ field: 'body', message: 'say what changes: skip, unskip or trial_kept' }] });
      }
      state.skipped = state.skipped.filter((step) => step !== body.skip && step !== body.unskip);
      if (body.skip) state.skipped.push(body.skip);
      if (typeof body.trial_kept === 'boolean') state.trialKept = body.trial_kept;
      return json(onboardingOut(state));
    },
  };
}
