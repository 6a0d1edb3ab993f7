import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { type Handler, json, makeMe, mockApi, problem } from '@/test/api';
import { adminPackRows, adminPlanRows } from '@/test/billing';
import { balance, noNotifications } from '@/test/credits';
import { renderApp } from '@/test/render';

import { changedFields, checkPack, checkPlan, nextSortOrder, packDraft, planDraft } from './catalog';

type PlanRow = ReturnType<typeof adminPlanRows>[number];
type PackRow = ReturnType<typeof adminPackRows>[number];

const admin = () => {
  const me = makeMe();
  return { ...me, user: { ...me.user, is_platform_admin: true } };
};

/** PATCH of one stored row, applied as the API applies it: only the fields sent change. */
function patchRow<R extends { code: string }>(rows: R[], code: string): Handler {
  return async (request) => {
    const found = rows.find((item) => item.code === code);
    if (!found) return problem(404);
    Object.assign(found, await request.json());
    return json(found);
  };
}

/** The catalog API over rows the test can read back. */
function catalogApi(handlers: Record<string, Handler> = {}, me = admin()) {
  const plans: PlanRow[] = adminPlanRows();
  const packs: PackRow[] = adminPackRows();
  const mock = mockApi({
    'GET /api/v1/me': () => json(me),
    'GET /api/v1/credits/balance': () => json(balance({ available: 10 })),
    'GET /api/v1/notifications': () => json(noNotifications),
    'GET /api/v1/admin/plans': () => json({ items: plans }),
    'GET /api/v1/admin/packs': () => json({ items: packs }),
    'POST /api/v1/admin/plans': async (request) => {
      const body = (await request.json()) as PlanRow;
      if (plans.some((plan) => plan.code === body.code))
        return problem(409, { code: 'catalog_code_taken', detail: `A plan with the code '${body.code}' exists; edit it instead.` });
      plans.push(body);
      return json(body, 201);
    },
    'POST /api/v1/admin/packs': async (request) => {
      const body = (await request.json()) as PackRow;
      packs.push(body);
      return json(body, 201);
    },
    ...Object.fromEntries(plans.map((plan) => [`PATCH /api/v1/admin/plans/${plan.code}`, patchRow(plans, plan.code)])),
    ...Object.fromEntries(packs.map((pack) => [`PATCH /api/v1/admin/packs/${pack.code}`, patchRow(packs, pack.code)])),
    ...handlers,
  });
  return { ...mock, plans, packs };
}

const bodiesOf = (calls: Request[], method: string, path: string) =>
  Promise.all(calls.filter((call) => call.method === method && new URL(call.url).pathname === path).map((call) => call.json() as Promise<unknown>));

function row(table: string, name: RegExp) {
  return within(within(screen.getByRole('table', { name: table })).getByRole('row', { name }));
}

describe('Catalog forms', () => {
  it('read dollars as cents, unlimited seats and no yearly price as null, and check the API bounds', () => {
    const draft = { ...planDraft(undefined, 50), code: 'growth', name: ' Growth ', monthlyPrice: '79.5', yearlyPrice: '' };
    Object.assign(draft, { monthlyCredits: '1,200', productSlots: '250', unlimitedSeats: true });
    expect(checkPlan(draft, true)).toEqual({
      errors: null,
      values: {
        code: 'growth',
        name: 'Growth',
        monthly_price_cents: 7950,
        yearly_price_cents: null,
        currency: 'usd',
        monthly_credits: 1200,
        product_slots: 250,
        seats: null,
        concurrent_jobs: 1,
        api_access: false,
        rollover_cap: 0,
        sort_order: 50,
        purchasable: true,
        trial_credits: 0,
        trial_days: 0,
      },
    });

    const bad = { ...planDraft(), code: 'Growth Plan', monthlyPrice: '12.345', yearlyPrice: 'lots', concurrentJobs: '0', trialCredits: '5' };
    expect(checkPlan(bad, true).errors).toEqual({
      code: 'Use 2 to 40 lower-case letters, digits, - or _, starting with a letter.',
      name: 'Give it a name of at most 80 characters.',
      monthlyPrice: 'Enter a price in dollars, like 49 or 49.50.',
      yearlyPrice: 'Enter a price in dollars, like 49 or 49.50.',
      monthlyCredits: 'Enter the credits a month as a whole number.',
      productSlots: 'Enter the product slots as a whole number.',
      concurrentJobs: 'Enter the jobs at a time from 1 to 100.',
      trialDays: 'Say how many days the trial credits last.',
    });
    expect(checkPack({ ...packDraft(), code: 'pack_5', name: 'Tiny', credits: '5', price: '0' }, true).errors).toEqual({
      price: 'Enter a price above zero.',
    });
  });

  it('send only what changed when editing, and place a new row after the others', () => {
    const [, starter] = adminPlanRows();
    const draft = { ...planDraft(starter), monthlyPrice: '59', unlimitedSeats: true };
    const checked = checkPlan(draft, false);
    expect(checked.values && changedFields(checked.values, starter)).toEqual({ monthly_price_cents: 5900, seats: null });
    expect(changedFields(checkPlan(planDraft(starter), false).values!, starter)).toEqual({});
    expect(nextSortOrder(adminPlanRows())).toBe(41);
    expect(nextSortOrder([])).toBe(0);
  });
});

describe('Plans & packs page', () => {
  it('lists plans and packs with readable prices and limits', async () => {
    catalogApi();
    renderApp('/admin/catalog');
    expect(await screen.findByRole('heading', { level: 1, name: 'Admin' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Plans & packs' })).toHaveAttribute('aria-current', 'page');
    await screen.findByRole('table', { name: 'Plans' });

    const starter = row('Plans', /Starter/);
    expect(starter.getByText('$49/month')).toBeInTheDocument();
    expect(starter.getByText('$490/year')).toBeInTheDocument();
    expect(starter.getByRole('switch', { name: 'Starter on sale' })).toBeChecked();
    expect(row('Plans', /Scale/).getByText('Unlimited')).toBeInTheDocument();
    expect(row('Plans', /Scale/).getByText('$899/month')).toBeInTheDocument();
    const trial = row('Plans', /Free trial/);
    expect(trial.getByText('No yearly price')).toBeInTheDocument();
    expect(trial.getByText('10 credits at sign-up, 30 days')).toBeInTheDocument();
    expect(trial.getByText('Sign-up plan')).toBeInTheDocument();
    expect(trial.queryByRole('switch')).not.toBeInTheDocument();

    const packs = await screen.findByRole('table', { name: 'Credit packs' });
    const pack = within(within(packs).getByRole('row', { name: /1,000 credits/ }));
    expect(pack.getByText('$150')).toBeInTheDocument();
    expect(pack.getByText('15¢')).toBeInTheDocument();
  });

  it('edits a plan in a dialog and sends only the changed fields, in cents', async () => {
    const { calls, plans } = catalogApi();
    const { user } = renderApp('/admin/catalog');
    await user.click(await screen.findByRole('button', { name: 'Edit Starter' }));
    const dialog = within(await screen.findByRole('dialog', { name: 'Edit Starter' }));
    expect(dialog.getByLabelText('Monthly price (USD)')).toHaveValue('49.00');
    expect(dialog.getByLabelText('Yearly price (USD)')).toHaveValue('490.00');
    expect(dialog.getByLabelText('Seats')).toHaveValue('1');
    expect(dialog.queryByLabelText('Code')).not.toBeInTheDocument();
    expect(dialog.queryByLabelText('Trial credits')).not.toBeInTheDocument();

    await user.clear(dialog.getByLabelText('Monthly price (USD)'));
    await user.type(dialog.getByLabelText('Monthly price (USD)'), '59.50');
    await user.clear(dialog.getByLabelText('Yearly price (USD)'));
    await user.click(dialog.getByLabelText('Unlimited seats'));
    expect(dialog.getByLabelText('Seats')).toBeDisabled();
    await user.click(dialog.getByRole('button', { name: 'Save changes' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(await bodiesOf(calls, 'PATCH', '/api/v1/admin/plans/starter')).toEqual([
      { monthly_price_cents: 5950, yearly_price_cents: null, seats: null },
    ]);
    expect(await screen.findByText('Starter saved.')).toBeInTheDocument();
    const starter = row('Plans', /Starter/);
    expect(await starter.findByText('$59.50/month')).toBeInTheDocument();
    expect(starter.getByText('No yearly price')).toBeInTheDocument();
    expect(starter.getByText('Unlimited')).toBeInTheDocument();
    expect(plans.find((plan) => plan.code === 'starter')?.seats).toBeNull();
  });

  it("edits the trial's sign-up grant, and shows the API's field errors under the inputs", async () => {
    const { calls } = catalogApi({
      'PATCH /api/v1/admin/plans/trial': () =>
        problem(422, {
          code: 'validation_error',
          errors: [{ field: 'trial_days', message: 'Input should be less than or equal to 365' }],
        }),
    });
    const { user } = renderApp('/admin/catalog');
    await user.click(await screen.findByRole('button', { name: 'Edit Free trial' }));
    const dialog = within(await screen.findByRole('dialog', { name: 'Edit Free trial' }));
    expect(dialog.getByLabelText('Trial credits')).toHaveValue('10');
    expect(dialog.queryByLabelText('On sale')).not.toBeInTheDocument();
    await user.clear(dialog.getByLabelText('Valid for (days)'));
    await user.type(dialog.getByLabelText('Valid for (days)'), '14');
    await user.click(dialog.getByRole('button', { name: 'Save changes' }));

    expect(await dialog.findByText('Input should be less than or equal to 365')).toBeInTheDocument();
    expect(dialog.getByLabelText('Valid for (days)')).toHaveAttribute('aria-invalid', 'true');
    expect(await bodiesOf(calls, 'PATCH', '/api/v1/admin/plans/trial')).toEqual([{ trial_days: 14 }]);
  });

  it('creates a plan: checks the form first, then says when the code is taken', async () => {
    const { calls } = catalogApi();
    const { user } = renderApp('/admin/catalog');
    await screen.findByRole('table', { name: 'Plans' });
    await user.click(screen.getByRole('button', { name: 'New plan' }));
    const dialog = within(await screen.findByRole('dialog', { name: 'New plan' }));
    await user.click(dialog.getByRole('button', { name: 'Create' }));
    expect(dialog.getByText('Give it a name of at most 80 characters.')).toBeInTheDocument();
    expect(dialog.getByLabelText('Monthly price (USD)')).toHaveAccessibleDescription('Enter a price, like 49 or 49.50.');
    expect(calls.some((call) => call.method === 'POST')).toBe(false);

    await user.type(dialog.getByLabelText('Name'), 'Growth');
    // A corrected input loses its message; the others keep theirs until the next try.
    expect(dialog.queryByText('Give it a name of at most 80 characters.')).not.toBeInTheDocument();
    expect(dialog.getByText('Enter a price, like 49 or 49.50.')).toBeInTheDocument();
    await user.type(dialog.getByLabelText('Code'), 'pro');
    await user.type(dialog.getByLabelText('Monthly price (USD)'), '79');
    await user.type(dialog.getByLabelText('Yearly price (USD)'), '790');
    await user.type(dialog.getByLabelText('Credits a month'), '250');
    await user.type(dialog.getByLabelText('Product slots'), '250');
    await user.click(dialog.getByLabelText('API access'));
    await user.click(dialog.getByRole('button', { name: 'Create' }));
    expect(await dialog.findByText("A plan with the code 'pro' exists; edit it instead.")).toBeInTheDocument();

    await user.clear(dialog.getByLabelText('Code'));
    await user.type(dialog.getByLabelText('Code'), 'growth');
    expect(dialog.queryByText("A plan with the code 'pro' exists; edit it instead.")).not.toBeInTheDocument();
    await user.click(dialog.getByRole('button', { name: 'Create' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    const posts = await bodiesOf(calls, 'POST', '/api/v1/admin/plans');
    expect(posts[1]).toEqual({
      code: 'growth',
      name: 'Growth',
      monthly_price_cents: 7900,
      yearly_price_cents: 79000,
      currency: 'usd',
      monthly_credits: 250,
      product_slots: 250,
      seats: 1,
      concurrent_jobs: 1,
      api_access: true,
      rollover_cap: 0,
      sort_order: 41,
      purchasable: true,
      trial_credits: 0,
      trial_days: 0,
    });
    expect(await screen.findByText('Growth created and on sale.')).toBeInTheDocument();
    expect(row('Plans', /Growth/).getByText('$79/month')).toBeInTheDocument();
  }, 30_000);

  it('takes a pack off sale with its switch, and creates a pack', async () => {
    const { calls } = catalogApi();
    const { user } = renderApp('/admin/catalog');
    const onSale = await screen.findByRole('switch', { name: '50 credits on sale' });
    await user.click(onSale);
    await waitFor(() => expect(screen.getByRole('switch', { name: '50 credits on sale' })).not.toBeChecked());
    expect(await bodiesOf(calls, 'PATCH', '/api/v1/admin/packs/pack_50')).toEqual([{ purchasable: false }]);

    await user.click(screen.getByRole('button', { name: 'New pack' }));
    const dialog = within(await screen.findByRole('dialog', { name: 'New credit pack' }));
    await user.type(dialog.getByLabelText('Name'), '500 credits');
    await user.type(dialog.getByLabelText('Code'), 'pack_500');
    await user.type(dialog.getByLabelText('Credits'), '500');
    await user.type(dialog.getByLabelText('Price (USD)'), '0');
    await user.click(dialog.getByRole('button', { name: 'Create' }));
    expect(dialog.getByText('Enter a price above zero.')).toBeInTheDocument();
    await user.clear(dialog.getByLabelText('Price (USD)'));
    await user.type(dialog.getByLabelText('Price (USD)'), '90');
    await user.click(dialog.getByLabelText('On sale'));
    await user.click(dialog.getByRole('button', { name: 'Create' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(await bodiesOf(calls, 'POST', '/api/v1/admin/packs')).toEqual([
      { code: 'pack_500', name: '500 credits', credits: 500, price_cents: 9000, currency: 'usd', sort_order: 31, purchasable: false },
    ]);
    expect(await screen.findByText('500 credits created.')).toBeInTheDocument();
    expect(row('Credit packs', /500 credits/).getByRole('switch', { name: '500 credits on sale' })).not.toBeChecked();
  });

  it('is for platform admins only', async () => {
    const { calls } = catalogApi({}, makeMe());
    renderApp('/admin/catalog');
    expect(await screen.findByText('This page is for Epox staff')).toBeInTheDocument();
    expect(calls.some((call) => new URL(call.url).pathname.startsWith('/api/v1/admin/'))).toBe(false);
  });
});
