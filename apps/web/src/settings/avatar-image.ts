/**
 * Avatar images, made in the browser before upload: the chosen picture is centre-cropped to a
 * square and drawn at 256×256 on a canvas, then encoded as WebP (PNG where the browser cannot),
 * so what is uploaded is small and square whatever was picked. The server checks the type and
 * size again; this only saves bytes and keeps every avatar the same shape.
 */
import { AVATAR_MIME_TYPES } from '@herald/protocol';

export const AVATAR_SIDE = 256;

/** True when the browser says `file` is an image type an avatar may be. */
export function isAvatarType(file: Pick<File, 'type'>): boolean {
  return (AVATAR_MIME_TYPES as readonly string[]).includes(file.type);
}

/** The centred square of a `width`×`height` picture: where to cut it from. */
export function centreSquare(width: number, height: number): { x: number; y: number; side: number } {
  const side = Math.min(width, height);
  return { x: Math.floor((width - side) / 2), y: Math.floor((height - side) / 2), side };
}

/** `file` as a 256×256 WebP (or PNG) File; rejects when the image cannot be decoded. */
export async function squareAvatar(file: Blob): Promise<File> {
  const bitmap = await createImageBitmap(file);
  try {
    const canvas = document.createElement('canvas');
    canvas.width = AVATAR_SIDE;
    canvas.height = AVATAR_SIDE;
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2d canvas');
    const { x, y, side } = centreSquare(bitmap.width, bitmap.height);
    context.imageSmoothingQuality = 'high';
    context.drawImage(bitmap, x, y, side, side, 0, 0, AVATAR_SIDE, AVATAR_SIDE);
    const blob = await encode(canvas, 'image/webp');
    // A browser without a WebP encoder quietly hands back PNG: name the file after what it got.
    const type = blob.type === 'image/webp' ? 'image/webp' : 'image/png';
    return new File([blob], type === 'image/webp' ? 'avatar.webp' : 'avatar.png', { type });
  } finally {
    bitmap.close();
  }
}

function encode(canvas: HTMLCanvasElement, type: string): Promise<Blob> {
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('could not encode'))), type, 0.9),
  );
}
