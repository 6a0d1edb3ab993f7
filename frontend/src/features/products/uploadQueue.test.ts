import { describe, expect, it, vi } from 'vitest';

import {
  checkFile,
  MAX_FILE_BYTES,
  nextToStart,
  processUpload,
  productNameFromFile,
  summarize,
  type UploadAction,
  type UploadApi,
  type UploadItem,
  uploadReducer,
} from './uploadQueue';

const file = (name: string, size = 1000, type = 'image/jpeg') =>
  new File([new Uint8Array(Math.min(size, 10))], name, { type }) as File & { size: number };

function sized(name: string, size: number, type = 'image/jpeg'): File {
  const f = file(name, size, type);
  Object.defineProperty(f, 'size', { value: size });
  return f;
}

let ids = 0;
const makeId = () => `u${(ids += 1)}`;

describe('upload queue', () => {
  it('queues good files and fails obviously bad ones at once, each with its own reason', () => {
    const items = uploadReducer([], {
      type: 'add',
      makeId,
      files: [sized('sofa.jpg', 2000), sized('huge.jpg', MAX_FILE_BYTES + 1), sized('logo.svg', 100, 'image/svg+xml'), sized('empty.png', 0, 'image/png')],
    });
    expect(items.map((i) => i.status)).toEqual(['queued', 'failed', 'failed', 'failed']);
    expect(items[1]?.error).toMatch(/Larger than 15 MB/);
    expect(items[2]?.error).toMatch(/JPEG, PNG, WebP, GIF or AVIF/);
    expect(items[3]?.error).toBe('The file is empty.');
    expect(summarize(items)).toEqual({ total: 4, done: 0, failed: 3, active: 1 });
  });

  it('starts at most the concurrency limit, oldest first', () => {
    let items = uploadReducer([], { type: 'add', makeId, files: ['a', 'b', 'c', 'd'].map((n) => sized(`${n}.jpg`, 10)) });
    expect(nextToStart(items, 2).map((i) => i.file.name)).toEqual(['a.jpg', 'b.jpg']);
    items = uploadReducer(items, { type: 'status', id: items[0].id, status: 'uploading' });
    expect(nextToStart(items, 2).map((i) => i.file.name)).toEqual(['b.jpg']);
    items = uploadReducer(items, { type: 'status', id: items[1].id, status: 'creating' });
    expect(nextToStart(items, 2)).toEqual([]);
  });

  it('retries a failed file as a new attempt, and clears only finished ones', () => {
    let items = uploadReducer([], { type: 'add', makeId, files: [sized('a.jpg', 10), sized('b.jpg', 10)] });
    const [a, b] = items as [UploadItem, UploadItem];
    items = uploadReducer(items, { type: 'status', id: a.id, status: 'failed', error: 'Server said no' });
    items = uploadReducer(items, { type: 'status', id: b.id, status: 'done', productId: 'p2' });
    items = uploadReducer(items, { type: 'retry', id: a.id });
    expect(items[0]).toMatchObject({ status: 'queued', attempt: 1, error: undefined });
    items = uploadReducer(items, { type: 'clearFinished' });
    expect(items.map((i) => i.file.name)).toEqual(['a.jpg']);
  });

  it('names products after their files', () => {
    expect(productNameFromFile('green-velvet_sofa (2).JPG')).toBe('Green velvet sofa (2)');
    expect(productNameFromFile('.png')).toBe('Untitled product');
    expect(checkFile(sized('ok.webp', 10, 'image/webp'))).toBeNull();
  });
});

describe('processing one file', () => {
  const api = (overrides: Partial<UploadApi> = {}): UploadApi => ({
    createProduct: vi.fn(() => Promise.resolve('product-1')),
    uploadImage: vi.fn(() => Promise.resolve()),
    discardProduct: vi.fn(() => Promise.resolve()),
    describeError: (error) => (error instanceof Error ? error.message : 'failed'),
    ...overrides,
  });

  it('creates a product named after the file, then uploads into it', async () => {
    const calls = api();
    const actions: UploadAction[] = [];
    const [item] = uploadReducer([], { type: 'add', makeId, files: [sized('oak_table.jpg', 10)] });
    await processUpload(item, calls, (action) => actions.push(action));
    expect(calls.createProduct).toHaveBeenCalledWith('Oak table');
    expect(calls.uploadImage).toHaveBeenCalledWith('product-1', item.file);
    expect(actions.map((a) => (a.type === 'status' ? a.status : a.type))).toEqual(['creating', 'uploading', 'done']);
  });

  it('archives the product it made when the server refuses the image, and says why', async () => {
    const calls = api({ uploadImage: vi.fn(() => Promise.reject(new Error('The image is damaged or incomplete.'))) });
    let items = uploadReducer([], { type: 'add', makeId, files: [sized('broken.jpg', 10)] });
    await processUpload(items[0], calls, (action) => (items = uploadReducer(items, action)));
    expect(calls.discardProduct).toHaveBeenCalledWith('product-1');
    expect(items[0]).toMatchObject({ status: 'failed', error: 'The image is damaged or incomplete.', productId: undefined });
  });

  it('adds to an existing product without creating one', async () => {
    const calls = api();
    const [item] = uploadReducer([], { type: 'add', makeId, productId: 'existing', files: [sized('b.png', 10, 'image/png')] });
    await processUpload(item, calls, () => undefined);
    expect(calls.createProduct).not.toHaveBeenCalled();
    expect(calls.uploadImage).toHaveBeenCalledWith('existing', item.file);
  });
});
