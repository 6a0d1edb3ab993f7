import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { json, makeMe, mockApi, problem } from '@/test/api';
import { renderApp } from '@/test/render';
import { productFixture } from '@/test/products';

const image = {
  id: 'img-1',
  position: 0,
  is_primary: true,
  width: 800,
  height: 600,
  content_type: 'image/jpeg',
  size_bytes: 1000,
  sync_state: 'local',
  external_id: null,
  source_url: null,
  preview_url: 'http://localhost/api/v1/files/x/preview.webp?expires=1&signature=a',
  original_url: 'http://localhost/api/v1/files/x/original.jpg?expires=1&signature=a',
  created_at: '2025-01-01T00:00:00Z',
};

function product(id: string, name: string, extra: Record<string, unknown> = {}) {
  return productFixture({ id, name, ...extra });
}

describe('Products page', () => {
  it('shows the catalog as a grid or a table, with the slot meter', async () => {
    mockApi({
      'GET /api/v1/me': () => json(makeMe()),
      'GET /api/v1/products': () =>
        json({ items: [product('p1', 'Velvet sofa', { images: [image] }), product('p2', 'Arc lamp')], next_cursor: null }),
      'GET /api/v1/products/slots': () => json({ limit: 25, used: 24, remaining: 1 }),
      'GET /api/v1/categories': () => json({ items: [], next_cursor: null }),
    });
    const { user } = renderApp('/products');
    const grid = await screen.findByRole('list', { name: 'Products' });
    expect(within(grid).getByRole('link', { name: /Velvet sofa/ })).toHaveAttribute('href', '/products/p1');
    expect(within(grid).getByText('No category · 0 images')).toBeInTheDocument();
    const meter = await screen.findByRole('meter', { name: 'Product slots' });
    expect(meter).toHaveAttribute('aria-valuenow', '24');
    expect(screen.getByText('24 of 25 used')).toBeInTheDocument();
    expect(screen.getByText(/1 slot left/)).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: /Table/ }));
    const table = await screen.findByRole('table', { name: 'Products' });
    expect(within(table).getAllByRole('row')).toHaveLength(3);
  });

  it('uploads dropped files one product each, with a state and an error per file', async () => {
    const { calls } = mockApi({
      'GET /api/v1/me': () => json(makeMe()),
      'GET /api/v1/products': () => json({ items: [], next_cursor: null }),
      'GET /api/v1/products/slots': () => json({ limit: 25, used: 0, remaining: 25 }),
      'GET /api/v1/categories': () => json({ items: [], next_cursor: null }),
      'POST /api/v1/products': async (request) => {
        // Both files are in flight at once, so ids come from the names, not from the order of arrival.
        const body = (await request.json()) as { name: string };
        return json(product(body.name.startsWith('Oak') ? 'new-1' : 'new-2', body.name), 201);
      },
      'POST /api/v1/products/new-1/images': () => json(image, 201),
      'POST /api/v1/products/new-2/images': () =>
        problem(422, { code: 'invalid_image', detail: 'The image is damaged or incomplete. Export it again and retry.' }),
      'DELETE /api/v1/products/new-2': () => json(product('new-2', 'Broken chair', { archived: true })),
    });
    renderApp('/products');
    const dropzone = (await screen.findByText('Drop product photos here')).closest('.dropzone') as HTMLElement;
    const files = [
      new File(['a'], 'oak_side-table.jpg', { type: 'image/jpeg' }),
      new File(['b'], 'broken chair.png', { type: 'image/png' }),
      new File(['<svg/>'], 'logo.svg', { type: 'image/svg+xml' }),
    ];
    fireEvent.drop(dropzone, { dataTransfer: { files, dropEffect: 'copy' } });

    const uploads = await screen.findByRole('list', { name: 'Uploads' });
    const row = (name: string) => within(uploads).getByText(name).closest('li') as HTMLElement;
    expect(within(row('logo.svg')).getByRole('alert')).toHaveTextContent('Not a supported image');
    await waitFor(() => expect(within(row('oak_side-table.jpg')).getByText('Done')).toBeInTheDocument());
    expect(within(row('oak_side-table.jpg')).getByRole('link', { name: 'Open product' })).toHaveAttribute('href', '/products/new-1');
    await waitFor(() =>
      expect(within(row('broken chair.png')).getByRole('alert')).toHaveTextContent('The image is damaged or incomplete.'),
    );
    expect(screen.getByText('1 of 3 uploaded, 2 failed')).toBeInTheDocument();

    const posts = calls.filter((c) => c.method === 'POST' && new URL(c.url).pathname === '/api/v1/products');
    const names = await Promise.all(posts.map(async (c) => ((await c.json()) as { name: string }).name));
    expect(names.sort()).toEqual(['Broken chair', 'Oak side table']);
    // The product made for the refused file gives its slot back.
    expect(calls.some((c) => c.method === 'DELETE' && new URL(c.url).pathname === '/api/v1/products/new-2')).toBe(true);
    const upload = calls.find((c) => new URL(c.url).pathname === '/api/v1/products/new-1/images');
    expect(upload?.headers.get('content-type')).toMatch(/^multipart\/form-data/);
  });

  it('explains an empty catalog and a search without results', async () => {
    mockApi({
      'GET /api/v1/me': () => json(makeMe({ role: 'viewer' })),
      'GET /api/v1/products': (request) =>
        json({ items: new URL(request.url).searchParams.get('query') ? [] : [], next_cursor: null }),
      'GET /api/v1/products/slots': () => json({ limit: 25, used: 0, remaining: 25 }),
      'GET /api/v1/categories': () => json({ items: [], next_cursor: null }),
    });
    const { user } = renderApp('/products');
    expect(await screen.findByText('No products yet')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'New product' })).not.toBeInTheDocument();
    expect(screen.queryByText('Drop product photos here')).not.toBeInTheDocument();
    await user.type(screen.getByRole('searchbox', { name: 'Search products' }), 'teak');
    expect(await screen.findByText('No products match')).toBeInTheDocument();
  });
});
