// qrcode's encoder core (qrcode/lib/core/qrcode.js) has no declarations of its own; its
// signature is the one @types/qrcode gives `create`.
declare module 'qrcode/lib/core/qrcode.js' {
  export { create } from 'qrcode';
}
