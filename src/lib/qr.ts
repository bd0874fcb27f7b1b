// The QR is drawn as an SVG path built from qrcode's module matrix rather than from its SVG
// string: a string would have to go through innerHTML, which a strict Content-Security-Policy
// with Trusted Types blocks. The encoder is imported on demand so that phones, which are sent
// to the app instead, never download it.

export interface QrMatrix {
  /** Modules per side, without the quiet zone. */
  size: number;
  /** SVG path data, one unit per module, offset by the quiet zone. */
  path: string;
}

export const QUIET_ZONE = 4;

/** The part of qrcode used here: its encoder core, without the canvas and string renderers. */
export interface QrEncoder {
  create(text: string, options: { errorCorrectionLevel: 'M' }): { modules: { size: number; data: ArrayLike<number | boolean> } };
}

let encoder: Promise<QrEncoder> | undefined;

/** Starts loading the encoder, so that it is ready when the session arrives. */
export function loadQrEncoder(): Promise<QrEncoder> {
  encoder ??= import('qrcode/lib/core/qrcode.js').then((qrcode: QrEncoder & { default?: QrEncoder }) => {
    // qrcode is CommonJS: bundlers expose it as named exports, some dev servers only as `default`.
    return qrcode.default ?? qrcode;
  });
  // A chunk that failed to load (the network blipped) is tried again next time.
  encoder.catch(() => (encoder = undefined));
  return encoder;
}

/** Encodes `content` (error correction M, as AlipayHK codes use) into SVG path data. */
export async function encodeQr(content: string): Promise<QrMatrix> {
  const { create } = await loadQrEncoder();
  const { modules } = create(content, { errorCorrectionLevel: 'M' });
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
  return { size, path };
}
