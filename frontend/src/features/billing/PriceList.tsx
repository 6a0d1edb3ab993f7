import type { ReactNode } from 'react';

import { costLines, type CostRate, formatMoney, formatNumber, type Pack, perCreditPrice, plural, type TrialTerms } from './plans';

interface PackCardsProps {
  packs: readonly Pack[];
  action?: (pack: Pack) => ReactNode;
}

/** Credit packs: credits, price, price per credit, one action each. */
export function PackCards({ packs, action }: PackCardsProps) {
  return (
    <ul className="pack-cards" aria-label="Credit packs">
      {packs.map((pack) => {
        return (
          <li key={pack.code} className="pack-card" aria-label={pack.name} data-pack={pack.code}>
            <p className="pack-card-credits">
              <strong>{formatNumber(pack.credits)}</strong> credits
            </p>
            <p className="pack-card-price">{formatMoney(pack.price.amount, pack.price.currency)}</p>
            <p className="pack-card-note">
              {perCreditPrice(pack.price.amount, pack.credits, pack.price.currency)} a credit · never expire
            </p>
            {action && <div className="pack-card-action">{action(pack)}</div>}
          </li>
        );
      })}
    </ul>
  );
}

/** "What a credit buys": the published cost table, one line per price, free operations listed after. */
export function CostTable({ rates }: { rates: readonly CostRate[] }) {
  const { paid, free } = costLines(rates);
  return (
    <div className="rate-table">
      <dl className="rate-lines">
        {paid.map((line) => (
          <div key={`${line.operation}-${line.variant ?? ''}`} className="rate-line">
            <dt>
              {line.label}
              {line.variant && <span className="rate-line-variant"> · {line.variant}</span>}
            </dt>
            <dd>
              <strong>{plural(line.credits, 'credit')}</strong> <span className="muted">per {line.unit}</span>
            </dd>
          </div>
        ))}
      </dl>
      {free.length > 0 && (
        <p className="rate-free">
          <strong>Free:</strong> {free.join(', ')}.
        </p>
      )}
      <p className="rate-note muted">
        You pay for what is delivered: credits are held when a job starts and only charged per image or clip you get;
        failed or canceled outputs give them back.
      </p>
    </div>
  );
}

/** The questions and answers; the trial's terms come from the price list (null: the trial grants no credits). */
function faq(trial: TrialTerms | null): readonly { question: string; answer: ReactNode }[] {
  return [
    {
      question: 'Do credits expire?',
      answer: (
        <>
          Credits included in a plan are added when each period's invoice is paid and expire at the end of that period
          (a yearly plan gets twelve months of credits up front, valid for the year). Credits from packs never
          expire. {trial && `The free trial's credits last ${plural(trial.days, 'day')}. `}Credits are used
          soonest-expiring first, so included credits go before pack credits.
        </>
      ),
    },
    {
      question: 'What happens when I change or cancel my plan?',
      answer: (
        <>
          Upgrades apply at once: you pay the difference for the rest of the period and get the extra credits right away.
          Downgrades apply at the end of the period you paid for; if you have more products than the new plan's slots,
          you choose which stay active and the others are archived, never deleted. Canceling keeps your plan and its
          credits until the period ends.
        </>
      ),
    },
    {
      question: 'Can I get a refund?',
      answer: (
        <>
          You're only charged credits for images and videos that are delivered: failed or canceled outputs give their
          credits back automatically. Cancel any time and you keep the plan until the period you paid for ends. If a
          payment is refunded, the unspent credits it bought are taken back; credits from it that were already spent are
          owed and paid first from your next top-up.
        </>
      ),
    },
    {
      question: 'What is a product slot?',
      answer: (
        <>
          Each active product in your catalog uses one slot, whether you uploaded it or imported it from your store.
          Archived products don't count, and you can restore them when you have room.
        </>
      ),
    },
  ];
}

export function Faq({ trial }: { trial: TrialTerms | null }) {
  return (
    <div className="faq">
      {faq(trial).map((item, index) => (
        <details key={item.question} className="faq-item" open={index === 0}>
          <summary className="faq-question">{item.question}</summary>
          <div className="faq-answer">{item.answer}</div>
        </details>
      ))}
    </div>
  );
}
