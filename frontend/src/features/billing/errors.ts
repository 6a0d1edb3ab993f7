import { parseError } from '@/lib/problem';

/** What the billing endpoints' refusals mean for a merchant, and what to do next. */
const MESSAGES: Record<string, string> = {
  billing_not_configured:
    "Payments aren't switched on for this Epox server yet, so nothing can be bought right now. Your plan and credits are unchanged.",
  stripe_request_failed: "Our payment provider didn't answer. Nothing was charged: try again in a moment.",
  subscription_active:
    'This workspace already has a subscription. Change its plan on the Billing page instead of buying a second one.',
  no_billing_account:
    'The billing portal opens once the workspace has subscribed to a plan or bought a credit pack.',
  idempotency_request_in_flight: 'That request is already on its way. Wait a moment before trying again.',
  insufficient_role: 'Only owners and admins of this workspace can manage billing.',
};

export function billingErrorMessage(error: unknown): string {
  const parsed = parseError(error);
  const known = MESSAGES[parsed.code];
  if (known) return known;
  if (parsed.status === 503) return MESSAGES.billing_not_configured ?? parsed.message;
  if (parsed.status === 403) return MESSAGES.insufficient_role ?? parsed.message;
  const field = Object.values(parsed.fieldErrors)[0];
  return field ?? parsed.message;
}

export function billingErrorCode(error: unknown): string {
  return parseError(error).code;
}
