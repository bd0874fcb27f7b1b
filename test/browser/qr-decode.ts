// Reads a QR back with jsQR, the standard JavaScript decoder, so that tests check what a
// phone would scan rather than comparing our path with itself.
import jsQR from 'jsqr';

/** Draws an SVG path (one unit per module) on a canvas and decodes it. */
export async function decodeQrPath(path: string, sideModules: number): Promise<string | undefined> {
  const scale = 8;
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = sideModules * scale;
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#fff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.scale(scale, scale);
  context.fillStyle = '#000';
  context.fill(new Path2D(path));
  const image = context.getImageData(0, 0, canvas.width, canvas.height);
  return jsQR(image.data, image.width, image.height)?.data;
}

/** Decodes the QR an element shows in its shadow root. */
export async function decodeRenderedQr(svg: SVGSVGElement): Promise<string | undefined> {
  const path = svg.querySelector('path')!.getAttribute('d')!;
  const side = svg.viewBox.baseVal.width;
  return decodeQrPath(path, side);
}

/**
 * The error-correction level a QR was made with, read from its format information as ISO/IEC
 * 18004 places it (the two most significant of its 15 bits at row 8, columns 0 and 1, masked with
 * 101010000010010): L, M, Q or H.
 */
export function errorCorrectionLevel(path: string, sideModules: number, quietZone = 4): string {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = sideModules;
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#fff';
  context.fillRect(0, 0, sideModules, sideModules);
  context.fillStyle = '#000';
  context.fill(new Path2D(path));
  const dark = (row: number, col: number) => context.getImageData(col + quietZone, row + quietZone, 1, 1).data[0]! < 128;
  const bit14 = Number(dark(8, 0)) ^ 1;
  const bit13 = Number(dark(8, 1)) ^ 0;
  const levels: Record<string, string> = { '01': 'L', '00': 'M', '11': 'Q', '10': 'H' };
  return levels[`${bit14}${bit13}`]!;
}
