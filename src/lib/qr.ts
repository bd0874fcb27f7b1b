// The QR is drawn as an SVG path built from qrcode's module matrix rather than from its SVG
// string: a string would have to go through innerHTML, which a strict Content-Security-Policy
// with Trusted Types blocks. The encoder (qr-encoder.ts and qrcode) is part of the QR chunk
// (controllers/qr-controller.ts), imported on demand, so that phones never download it.

export interface QrMatrix {
  /** Modules per side, without the quiet zone. */
  size: number;
  /** Units per side with the quiet zone: the SVG's viewBox. */
  side: number;
  /** SVG path data, one unit per module, offset by the quiet zone. */
  path: string;
}
