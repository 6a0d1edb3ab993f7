import { Link } from 'react-router';

import { cx } from '@/lib/cx';

import { useProductSlots } from './hooks';

/** How many product slots the plan has and how many are used, as a meter with the numbers beside it. */
export function SlotMeter() {
  const slots = useProductSlots();
  if (slots.isPending) return <div className="slot-meter slot-meter--loading" aria-busy="true" />;
  if (slots.isError) return <p className="muted slot-meter">Slot usage is unavailable right now.</p>;
  const { limit, used, remaining } = slots.data;
  const ratio = limit > 0 ? Math.min(used / limit, 1) : 1;
  const tone = remaining === 0 ? 'full' : ratio >= 0.8 ? 'high' : 'ok';
  return (
    <div className="slot-meter">
      <div className="slot-meter-head">
        <span className="slot-meter-label" id="slot-meter-label">
          Product slots
        </span>
        <span className="slot-meter-count">
          {used} of {limit} used
        </span>
      </div>
      <div
        className={cx('meter', `meter--${tone}`)}
        role="meter"
        aria-labelledby="slot-meter-label"
        aria-valuemin={0}
        aria-valuemax={limit}
        aria-valuenow={used}
        aria-valuetext={`${used} of ${limit} product slots used, ${remaining} left`}
      >
        <div className="meter-fill" style={{ width: `${Math.round(ratio * 100)}%` }} />
      </div>
      <p className={cx('slot-meter-note', remaining === 0 && 'slot-meter-note--full')}>
        {remaining === 0 ? (
          <>
            All slots are in use. Archive products you no longer need, or <Link to="/billing">upgrade your plan</Link>.
          </>
        ) : (
          `${remaining} ${remaining === 1 ? 'slot' : 'slots'} left on your plan. Archived products don't count.`
        )}
      </p>
    </div>
  );
}
