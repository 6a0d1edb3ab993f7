import { useCallback, useEffect, useReducer, useRef } from 'react';

import { nextToStart, processUpload, type UploadApi, uploadReducer } from './uploadQueue';

/** The upload queue as React state: add files, and they are sent a few at a time with their own status. */
export function useUploadQueue(api: UploadApi, productId?: string) {
  const [items, dispatch] = useReducer(uploadReducer, []);
  const apiRef = useRef(api);
  // An item is started once per attempt, even if an effect runs twice (StrictMode) or renders race.
  const started = useRef(new Set<string>());

  useEffect(() => {
    apiRef.current = api;
  });

  useEffect(() => {
    for (const item of nextToStart(items)) {
      const attempt = `${item.id}:${item.attempt}`;
      if (started.current.has(attempt)) continue;
      started.current.add(attempt);
      void processUpload(item, apiRef.current, dispatch);
    }
  }, [items]);

  const addFiles = useCallback((files: File[]) => dispatch({ type: 'add', files, productId }), [productId]);
  return { items, dispatch, addFiles };
}
