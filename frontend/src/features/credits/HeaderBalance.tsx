import { Link } from 'react-router';

import { cx } from '@/lib/cx';

import { CoinIcon } from './icons';
import { creditsLabel, formatCredits, useCreditBalance, useRefreshCreditsAfterMutations } from './hooks';

/** The header's compact balance: available credits, linking to the credit history. Quiet while loading or failing. */
export function HeaderBalance() {
  useRefreshCreditsAfterMutations();
  const balance = useCreditBalance();
  if (!balance.data) return null;
  const { available, held, low_balance: low } = balance.data;
  const label = `${creditsLabel(available)} available${held > 0 ? `, ${formatCredits(held)} held` : ''}. Open the credit history`;
  return (
    <Link to="/usage/credits" className={cx('header-balance', low && 'header-balance--low')} aria-label={label} title={label}>
      <CoinIcon />
      <span className="header-balance-value">{formatCredits(available)}</span>
      <span className="header-balance-unit">{Math.abs(available) === 1 ? 'credit' : 'credits'}</span>
    </Link>
  );
}
