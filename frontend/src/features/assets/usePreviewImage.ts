import { useEffect, useRef, useState } from 'react';

/**
 * The largest side the editor previews at. Assets up to 2K are previewed pixel for pixel (what the server will
 * compute, exactly); larger ones at this size, so sliders stay responsive.
 */
export const PREVIEW_MAX_SIDE = 2048;

export type PreviewSource =
  | { status: 'loading' }
  | { status: 'error' }
  /** The image cannot be read back (served from another origin without CORS): no live preview, Apply still works. */
  | { status: 'unreadable'; image: HTMLImageElement }
  | { status: 'ready'; image: HTMLImageElement; pixels: ImageData; width: number; height: number };

export function previewSize(width: number, height: number): { width: number; height: number } {
  const scale = Math.min(1, PREVIEW_MAX_SIDE / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * The asset's original, decoded into RGBA pixels at preview size (sRGB bytes as stored: no colour conversion). Read
 * once per asset: its signed URL changes with every read of the asset, the pixels do not.
 */
export function usePreviewImage(assetId: string | null, url: string | undefined, width: number, height: number): PreviewSource {
  const [source, setSource] = useState<{ assetId: string; value: PreviewSource } | null>(null);
  const urlRef = useRef(url);
  useEffect(() => {
    urlRef.current = url;
  });
  const ready = Boolean(url);
  useEffect(() => {
    const url = urlRef.current;
    if (!assetId || !url) return;
    let live = true;
    const image = new Image();
    image.crossOrigin = 'anonymous';
    image.decoding = 'async';
    image.onload = () => {
      if (!live) return;
      const size = previewSize(width, height);
      const canvas = document.createElement('canvas');
      canvas.width = size.width;
      canvas.height = size.height;
      const context = canvas.getContext('2d', { willReadFrequently: true, colorSpace: 'srgb' });
      if (!context) return setSource({ assetId, value: { status: 'unreadable', image } });
      context.imageSmoothingQuality = 'high';
      context.drawImage(image, 0, 0, size.width, size.height);
      try {
        const pixels = context.getImageData(0, 0, size.width, size.height, { colorSpace: 'srgb' });
        setSource({ assetId, value: { status: 'ready', image, pixels, ...size } });
      } catch {
        setSource({ assetId, value: { status: 'unreadable', image } });
      }
    };
    image.onerror = () => {
      if (live) setSource({ assetId, value: { status: 'error' } });
    };
    image.src = url;
    return () => {
      live = false;
      image.onload = image.onerror = null;
    };
  }, [assetId, ready, width, height]);
  return source && source.assetId === assetId ? source.value : { status: 'loading' };
}
