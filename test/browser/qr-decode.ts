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
