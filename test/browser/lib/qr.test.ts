import { expect } from '@open-wc/testing';
import { encodeQrMatrix } from '../../../src/lib/qr-encoder.js';

const encodeQr = async (content: string) => encodeQrMatrix(content);
import { decodeQrPath, errorCorrectionLevel } from '../qr-decode.js';

describe('QR encoding', () => {
  it('encodes content into a path that decodes back to it', async () => {
    const content = 'https://qr.alipay.com/bax03431ljhokirwl38f00a7';
    const qr = await encodeQr(content);
    expect(qr.size).to.be.at.least(21);
    expect(qr.side, 'a quiet zone of 4 modules each side').to.equal(qr.size + 8);
    expect(qr.path).to.match(/^M\d/);
    expect(await decodeQrPath(qr.path, qr.side)).to.equal(content);
  });

  it('uses error correction Q, as the Alipay+ code-scanning standard asks (read from the format information)', async () => {
    for (const content of ['https://qr.alipay.com/bax03431ljhokirwl38f00a7', 'https://render.alipay.hk/p/s/i/?scheme=alipayhk%3A%2F%2Fplatformapi']) {
      const qr = await encodeQr(content);
      expect(errorCorrectionLevel(qr.path, qr.side)).to.equal('Q');
    }
  });

  it('encodes the longest content a session may carry (1663 bytes) at level Q', async () => {
    const content = `https://qr.alipay.com/${'x'.repeat(1663 - 22)}`;
    const qr = await encodeQr(content);
    expect(errorCorrectionLevel(qr.path, qr.side)).to.equal('Q');
    expect(await decodeQrPath(qr.path, qr.side)).to.equal(content);
  });

  it('rejects content too long for any QR version', async () => {
    let error: unknown;
    try {
      await encodeQr('x'.repeat(5000));
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(Error);
  });
});
