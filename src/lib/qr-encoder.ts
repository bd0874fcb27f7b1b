// qrcode's encoder core and the SVG path built from its module matrix: part of the QR chunk
// (controllers/qr-controller.ts), which the element imports on demand, so phones never download it.
// The QR is drawn as an SVG path built from the module matrix rather than from qrcode's SVG
// string: a string would have to go through innerHTML, which a strict Content-Security-Policy
// with Trusted Types blocks.
import { create } from 'qrcode/lib/core/qrcode.js';

export interface QrMatrix {
  /** Modules per side, without the quiet zone. */
  size: number;
  /** Units per side with the quiet zone: the SVG's viewBox. */
  side: number;
  /** SVG path data, one unit per module, offset by the quiet zone. */
  path: string;
}

const QUIET_ZONE = 4;

/** Encodes `content` into SVG path data: error correction Q, as the Alipay+ code-scanning standard asks. */
export function encodeQrMatrix(content: string): QrMatrix {
  const { modules } = create(content, { errorCorrectionLevel: 'Q' });
  const { size, data } = modules;
  let path = '';
  for (let row = 0; row < size; row++) {
    let runStart = -1;
    for (let col = 0; col <= size; col++) {
      const dark = col < size && data[row * size + col];
      if (dark && runStart < 0) runStart = col;
      if (!dark && runStart >= 0) {
        // One horizontal run of dark modules is one rectangle: a much shorter path than a square each.
        path += `M${runStart + QUIET_ZONE} ${row + QUIET_ZONE}h${col - runStart}v1h${runStart - col}z`;
        runStart = -1;
      }
    }
  }
  return { size, side: size + 2 * QUIET_ZONE, path };
}
