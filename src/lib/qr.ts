// The QR is drawn as an SVG path built from qrcode's module matrix rather than from its SVG
// string: a string would have to go through innerHTML, which a strict Content-Security-Policy
// with Trusted Types blocks. The encoder (qr-encoder.ts and qrcode) is a chunk imported on
// demand, so that phones, which are sent to the app instead, never download it.

export interface QrMatrix {
  /** Modules per side, without the quiet zone. */
  size: number;
  /** Units per side with the quiet zone: the SVG's viewBox. */
  side: number;
  /** SVG path data, one unit per module, offset by the quiet zone. */
  path: string;
}

type QrEncoder = typeof import('./qr-encoder.js');

let encoder: Promise<QrEncoder> | undefined;

/** Starts loading the encoder, so that it is ready when the session arrives. */
export function loadQrEncoder(): Promise<QrEncoder> {
  encoder ??= import('./qr-encoder.js');
  // A chunk that failed to load (the network blipped) is tried again next time.
  encoder.catch(() => (encoder = undefined));
  return encoder;
}

/** Encodes `content` (error correction Q) into SVG path data, loading the encoder if need be. */
export async function encodeQr(content: string): Promise<QrMatrix> {
  return (await loadQrEncoder()).encodeQrMatrix(content);
}
