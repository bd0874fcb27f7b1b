import { expect } from '@open-wc/testing';
import { interpretStatusResponse } from '../../../src/lib/status.js';

describe('SPEC §4 status response', () => {
  it('200 with a known status is a result, with the failure reason kept', () => {
    expect(interpretStatusResponse(200, { status: 'pending' })).to.deep.equal({ kind: 'result', result: { status: 'pending' } });
    expect(interpretStatusResponse(200, { status: 'failed', failureCode: 'insufficient_fund', failureMessage: 'Not enough balance' })).to.deep.equal({
      kind: 'result',
      result: { status: 'failed', failureCode: 'insufficient_fund', failureMessage: 'Not enough balance' },
    });
    for (const status of ['succeeded', 'expired', 'cancelled']) {
      expect(interpretStatusResponse(200, { status })).to.deep.equal({ kind: 'result', result: { status } });
    }
  });

  it('an unknown status string is transient, never a result', () => {
    for (const status of ['SUCCESS', 'paid', '', null, 1, undefined]) {
      expect(interpretStatusResponse(200, { status }).kind).to.equal('transient');
    }
  });

  it('a body that is not an object is transient', () => {
    for (const body of [undefined, null, 'succeeded', [{ status: 'succeeded' }], 3]) {
      expect(interpretStatusResponse(200, body).kind).to.equal('transient');
    }
  });

  it('408, 429, 5xx and other unexpected statuses are transient', () => {
    for (const code of [408, 429, 500, 502, 503, 504, 400, 302, 0]) {
      expect(interpretStatusResponse(code, { status: 'succeeded' }).kind, String(code)).to.equal('transient');
    }
  });

  it('404 and 410 end with session-not-found, 401 and 403 with unauthorized', () => {
    expect(interpretStatusResponse(404, undefined)).to.include({ kind: 'fatal', code: 'session-not-found' });
    expect(interpretStatusResponse(410, undefined)).to.include({ kind: 'fatal', code: 'session-not-found' });
    expect(interpretStatusResponse(401, undefined)).to.include({ kind: 'fatal', code: 'unauthorized' });
    expect(interpretStatusResponse(403, undefined)).to.include({ kind: 'fatal', code: 'unauthorized' });
  });

  it('drops failure fields that are not strings and cuts long ones', () => {
    const outcome = interpretStatusResponse(200, { status: 'failed', failureCode: 5, failureMessage: 'x'.repeat(500) });
    expect(outcome).to.have.nested.property('result.failureMessage').with.length(200);
    expect(outcome).not.to.have.nested.property('result.failureCode');
  });
});
