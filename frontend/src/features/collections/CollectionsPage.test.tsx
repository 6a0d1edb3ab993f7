import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { type Handler, json, makeMe, mockApi, problem } from '@/test/api';
import { collectionFixture, collectionSummary, flowFixture } from '@/test/collections';
import { balance, noNotifications } from '@/test/credits';
import { renderApp } from '@/test/render';
import { generationFixture, itemFixture } from '@/test/studio';

function api(handlers: Record<string, Handler>, role: 'owner' | 'viewer' = 'owner') {
  return mockApi({
    'GET /api/v1/me': () => json(makeMe({ role })),
    'GET /api/v1/credits/balance': () => json(balance()),
    'GET /api/v1/notifications': () => json(noNotifications),
    ...handlers,
  });
}

const job = (id: string, status: string, done: number, failed: number, total: number) =>
  generationFixture(
    Array.from({ length: total }, (_, i) => itemFixture(i)),
    { id, status, progress: { done, failed, total, percent: Math.round((100 * (done + failed)) / total) } },
  ).job;

describe('Collections list', () => {
  it('lists collections with their products, how the last run went and when they were made, a page at a time', async () => {
    const first = [
      collectionSummary('col-1', { name: 'Autumn living room', description: 'For the autumn catalog.', last_job_id: 'job-1' }),
      collectionSummary('col-2', { name: 'Garden', last_job_id: 'job-2' }),
      collectionSummary('col-3', { name: 'Spring', last_job_id: null, created_at: '2026-03-02T09:00:00Z' }),
    ];
    const second = [collectionSummary('col-4', { name: 'Winter', last_job_id: 'job-4' })];
    const { calls } = api({
      'GET /api/v1/collections': (request) =>
        json(new URL(request.url).searchParams.get('cursor') === 'page-2' ? { items: second, next_cursor: null } : { items: first, next_cursor: 'page-2' }),
      'GET /api/v1/collections/col-1': () => json(collectionFixture()),
      'GET /api/v1/collections/col-2': () => json(collectionFixture({ id: 'col-2', flows: [flowFixture('prod-1')] })),
      'GET /api/v1/collections/col-3': () => json(collectionFixture({ id: 'col-3', flows: [] })),
      'GET /api/v1/collections/col-4': () => json(collectionFixture({ id: 'col-4' })),
      'GET /api/v1/jobs/job-1': () => json(job('job-1', 'succeeded', 4, 0, 4)),
      'GET /api/v1/jobs/job-2': () => json(job('job-2', 'succeeded', 1, 1, 2)),
      'GET /api/v1/jobs/job-4': () => json(job('job-4', 'running', 1, 0, 4)),
    });
    const { user } = renderApp('/studio/collections');
    const table = await screen.findByRole('table', { name: 'Collections' }, { timeout: 5000 });
    expect(screen.getByRole('navigation', { name: 'Studio' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Collections' })).toHaveClass('tab--active');

    const row = (name: string) => within(within(table).getByRole('link', { name }).closest('tr') as HTMLElement);
    expect(row('Autumn living room').getByRole('link', { name: 'Autumn living room' })).toHaveAttribute('href', '/studio/collections/col-1');
    expect(row('Autumn living room').getByText('For the autumn catalog.')).toBeInTheDocument();
    expect(await row('Autumn living room').findByText('Delivered', {}, { timeout: 5000 })).toBeInTheDocument();
    expect(row('Autumn living room').getByText('4 images')).toBeInTheDocument();
    await waitFor(() => expect(row('Autumn living room').getAllByRole('cell')[1]).toHaveTextContent('2'), { timeout: 5000 });
    expect(await row('Garden').findByText('Partly delivered', {}, { timeout: 5000 })).toBeInTheDocument();
    expect(row('Garden').getByText('1 of 2 images, 1 failed')).toBeInTheDocument();
    expect(row('Spring').getByText('Not generated yet')).toBeInTheDocument();
    await waitFor(() => expect(row('Spring').getAllByRole('cell')[1]).toHaveTextContent('0'), { timeout: 5000 });
    expect(row('Spring').getByText(new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(new Date('2026-03-02T09:00:00Z')))).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await within(table).findByRole('link', { name: 'Winter' }, { timeout: 5000 })).toBeInTheDocument();
    expect(await row('Winter').findByText('Running', {}, { timeout: 5000 })).toBeInTheDocument();
    expect(row('Winter').getByText('1 of 4 images ready')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
    expect(calls.some((c) => new URL(c.url).searchParams.get('cursor') === 'page-2')).toBe(true);
  }, 30_000);

  it('invites to create the first collection, and only people who can', async () => {
    api({ 'GET /api/v1/collections': () => json({ items: [], next_cursor: null }) });
    renderApp('/studio/collections');
    expect(await screen.findByText('No collections yet', {}, { timeout: 5000 })).toBeInTheDocument();
    const links = screen.getAllByRole('link', { name: 'New collection' });
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(link).toHaveAttribute('href', '/studio/collections/new');
  }, 30_000);

  it('offers no way to create for a viewer', async () => {
    api({ 'GET /api/v1/collections': () => json({ items: [], next_cursor: null }) }, 'viewer');
    renderApp('/studio/collections');
    expect(await screen.findByText('No collections yet', {}, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'New collection' })).not.toBeInTheDocument();
  }, 30_000);

  it('says when the list cannot load, and tries again', async () => {
    let fail = true;
    api({
      'GET /api/v1/collections': () => (fail ? problem(500) : json({ items: [collectionSummary('col-9', { name: 'Back again' })], next_cursor: null })),
      'GET /api/v1/collections/col-9': () => json(collectionFixture({ id: 'col-9', name: 'Back again' })),
    });
    const { user } = renderApp('/studio/collections');
    expect(await screen.findByText("Couldn't load collections", {}, { timeout: 10_000 })).toBeInTheDocument();
    fail = false;
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('link', { name: 'Back again' }, { timeout: 5000 })).toBeInTheDocument();
  }, 30_000);
});

describe('Studio tabs', () => {
  it('lead from one product to collections', async () => {
    api({
      'GET /api/v1/products': () => json({ items: [], next_cursor: null }),
      'GET /api/v1/collections': () => json({ items: [], next_cursor: null }),
    });
    const { user, router } = renderApp('/studio');
    const tabs = within(await screen.findByRole('navigation', { name: 'Studio' }, { timeout: 5000 }));
    expect(tabs.getByRole('link', { name: 'One product' })).toHaveClass('tab--active');
    await user.click(tabs.getByRole('link', { name: 'Collections' }));
    expect(router.state.location.pathname).toBe('/studio/collections');
    expect(await screen.findByText('No collections yet', {}, { timeout: 5000 })).toBeInTheDocument();
  }, 30_000);
});
