import { Link } from 'react-router';

import { Alert, buttonClass } from '@/components/ui';
import { type Balance, creditsLabel, formatCredits } from '@/features/credits/hooks';
import type { ParsedError } from '@/lib/problem';

interface CostLineProps {
  /** What the request will use; null when the price list has no answer. */
  credits: number | null;
  balance: Balance | undefined;
  pricing: 'loading' | 'error' | 'ready';
  id?: string;
  /** How to make the request cheaper, offered when the balance is short. */
  cheaper?: string;
}

/** "This will use 8 credits — you have 42", said before Generate; with a way to buy more when it is not enough. */
export function CostLine({ credits, balance, pricing, id, cheaper = 'ask for fewer or smaller images' }: CostLineProps) {
  if (pricing === 'loading') return <p id={id} className="cost-line cost-line--quiet">Working out the cost…</p>;
  if (credits === null)
    return (
      <p id={id} className="cost-line cost-line--quiet">
        {pricing === 'error'
          ? "Couldn't load the price list. The cost is checked when you generate, and nothing is charged without enough credits."
          : 'This option has no price yet.'}
      </p>
    );
  const available = balance?.available;
  if (available !== undefined && credits > available)
    return (
      <div id={id} className="cost-line cost-line--short" role="status">
        <p>
          <strong>This needs {creditsLabel(credits)}</strong> — you have {formatCredits(Math.max(available, 0))}.
        </p>
        <p className="cost-line-actions">
          <Link to="/billing">Buy credits</Link> or <Link to="/billing">change plan</Link>, or {cheaper}.
        </p>
      </div>
    );
  return (
    <p id={id} className="cost-line" role="status">
      This will use <strong>{creditsLabel(credits)}</strong>
      {available !== undefined && <> — you have {formatCredits(available)}</>}
    </p>
  );
}

/** The answer to a 402: what happened and the two ways out, never a raw error. */
export function OutOfCreditsPrompt({ error }: { error: ParsedError }) {
  const required = error.problem?.required;
  const available = error.problem?.available;
  const detail =
    typeof required === 'number' && typeof available === 'number'
      ? `This needs ${creditsLabel(required)} and you have ${formatCredits(Math.max(available, 0))}.`
      : 'Your balance does not cover this request.';
  return (
    <Alert
      tone="warning"
      title="You're out of credits — buy credits or change plan"
      actions={
        <div className="button-row">
          <Link to="/billing" className={buttonClass('primary', 'sm')}>
            Buy credits
          </Link>
          <Link to="/billing" className={buttonClass('secondary', 'sm')}>
            Change plan
          </Link>
        </div>
      }
    >
      {detail} Nothing was charged.
    </Alert>
  );
}
