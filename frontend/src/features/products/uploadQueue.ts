/**
 * The upload queue behind drag-and-drop: each file goes queued → (creating the product →) uploading → done or
 * failed, a few at a time, and every file keeps its own state and error.
 *
 * The generated client sends requests with `fetch`, which cannot report upload progress, so the queue shows
 * what it really knows — waiting, creating, uploading, done, failed — rather than a made-up percentage.
 *
 * Pure logic (a reducer and a runner that takes its API calls as arguments), so it is tested without React.
 */

export const MAX_FILE_BYTES = 15 * 1024 * 1024;
export const ACCEPTED_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif'] as const;
export const ACCEPT_ATTRIBUTE = ACCEPTED_TYPES.join(',');
export const UPLOAD_CONCURRENCY = 2;

export type UploadStatus = 'queued' | 'creating' | 'uploading' | 'done' | 'failed';

export interface UploadItem {
  id: string;
  file: File;
  status: UploadStatus;
  /** Why it failed, in words for a person. */
  error?: string;
  /** The product the file went to (made for it, or the one it was added to). */
  productId?: string;
  /** Counts retries, so each attempt is started exactly once. */
  attempt: number;
}

export type UploadAction =
  | { type: 'add'; files: File[]; productId?: string; makeId?: () => string }
  | { type: 'status'; id: string; status: UploadStatus; productId?: string; error?: string }
  | { type: 'retry'; id: string }
  | { type: 'dismiss'; id: string }
  | { type: 'clearFinished' };

let counter = 0;
const nextId = () => `upload-${Date.now().toString(36)}-${(counter += 1)}`;

/** A first, local check so obvious mistakes fail at once; the server still checks every file properly. */
export function checkFile(file: File): string | null {
  if (file.size === 0) return 'The file is empty.';
  if (file.size > MAX_FILE_BYTES) return `Larger than 15 MB (${(file.size / 1024 / 1024).toFixed(1)} MB).`;
  if (file.type && !(ACCEPTED_TYPES as readonly string[]).includes(file.type)) {
    return 'Not a supported image. Use JPEG, PNG, WebP, GIF or AVIF.';
  }
  return null;
}

/** "green-velvet_sofa (2).JPG" → "Green velvet sofa (2)". */
export function productNameFromFile(fileName: string): string {
  const base = fileName.replace(/\.[a-z0-9]{2,5}$/i, '').replace(/[_-]+/g, ' ').replace(/\s+/g, ' ').trim();
  const name = base || 'Untitled product';
  return (name.charAt(0).toUpperCase() + name.slice(1)).slice(0, 200);
}

export function uploadReducer(items: UploadItem[], action: UploadAction): UploadItem[] {
  switch (action.type) {
    case 'add':
      return [
        ...items,
        ...action.files.map((file): UploadItem => {
          const problem = checkFile(file);
          return {
            id: (action.makeId ?? nextId)(),
            file,
            attempt: 0,
            status: problem ? 'failed' : 'queued',
            ...(problem ? { error: problem } : {}),
            ...(action.productId ? { productId: action.productId } : {}),
          };
        }),
      ];
    case 'status':
      return items.map((item) =>
        item.id === action.id
          ? {
              ...item,
              status: action.status,
              error: action.status === 'failed' ? action.error : undefined,
              productId: action.productId === undefined ? item.productId : action.productId || undefined,
            }
          : item,
      );
    case 'retry':
      return items.map((item) =>
        item.id === action.id && item.status === 'failed' && !checkFile(item.file)
          ? { ...item, status: 'queued', error: undefined, attempt: item.attempt + 1 }
          : item,
      );
    case 'dismiss':
      return items.filter((item) => item.id !== action.id || isActive(item));
    case 'clearFinished':
      return items.filter((item) => isActive(item) || item.status === 'failed');
  }
}

export function isActive(item: UploadItem): boolean {
  return item.status === 'queued' || item.status === 'creating' || item.status === 'uploading';
}

export function summarize(items: UploadItem[]) {
  return {
    total: items.length,
    done: items.filter((i) => i.status === 'done').length,
    failed: items.filter((i) => i.status === 'failed').length,
    active: items.filter(isActive).length,
  };
}

/** What the runner needs from the API; the page passes the generated client's calls. */
export interface UploadApi {
  /** Creates a product named after the file and returns its id. */
  createProduct: (name: string) => Promise<string>;
  uploadImage: (productId: string, file: File) => Promise<void>;
  /** Undo a product made for a file whose image was refused, so it does not hold a product slot. */
  discardProduct: (productId: string) => Promise<void>;
  describeError: (error: unknown) => string;
}

/**
 * Takes one file through its steps, reporting each through `dispatch`. A file without a product gets a new
 * product named after it; when the server then refuses the image, that new product is archived again.
 */
export async function processUpload(
  item: UploadItem,
  api: UploadApi,
  dispatch: (action: UploadAction) => void,
): Promise<void> {
  let productId = item.productId;
  let createdHere = false;
  try {
    if (!productId) {
      dispatch({ type: 'status', id: item.id, status: 'creating' });
      productId = await api.createProduct(productNameFromFile(item.file.name));
      createdHere = true;
    }
    dispatch({ type: 'status', id: item.id, status: 'uploading', productId });
    await api.uploadImage(productId, item.file);
    dispatch({ type: 'status', id: item.id, status: 'done', productId });
  } catch (error) {
    if (createdHere && productId) {
      await api.discardProduct(productId).catch(() => undefined);
      productId = '';
    }
    dispatch({ type: 'status', id: item.id, status: 'failed', error: api.describeError(error), productId });
  }
}

/** The items to start now: queued ones, oldest first, up to the free slots. */
export function nextToStart(items: UploadItem[], concurrency = UPLOAD_CONCURRENCY): UploadItem[] {
  const running = items.filter((i) => i.status === 'creating' || i.status === 'uploading').length;
  return items.filter((i) => i.status === 'queued').slice(0, Math.max(concurrency - running, 0));
}
