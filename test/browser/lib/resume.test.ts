import { expect } from '@open-wc/testing';
import { clearResume, contextFingerprint, loadResume, resumeKey, saveResume, type ResumeRecord } from '../../../src/lib/resume.js';

const record: ResumeRecord = {
  sessionUrl: 'https://shop.example/api/sessions',
  idempotencyKey: 'k-1',
  environment: { deviceType: 'mobile', terminalType: 'WAP', osType: 'IOS', flow: 'redirect', inApp: false, inWallet: false },
};

function memoryStorage(): Storage {
  const map = new Map<string, string>();
  return {
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
    removeItem: (k: string) => void map.delete(k),
  } as Storage;
}

describe('SPEC §6a resume record', () => {
  it('round-trips through storage, keyed by session URL', () => {
    const storage = memoryStorage();
    saveResume(storage, record);
    expect(loadResume(storage, record.sessionUrl)).to.deep.equal(record);
    expect(loadResume(storage, 'https://shop.example/other')).to.equal(undefined);
    clearResume(storage, record.sessionUrl);
    expect(loadResume(storage, record.sessionUrl)).to.equal(undefined);
  });

  it('reads corrupt or foreign entries as none', () => {
    const storage = memoryStorage();
    storage.setItem(resumeKey(record.sessionUrl), '{not json');
    expect(loadResume(storage, record.sessionUrl)).to.equal(undefined);
    storage.setItem(resumeKey(record.sessionUrl), JSON.stringify({ ...record, sessionUrl: 'https://elsewhere.example/' }));
    expect(loadResume(storage, record.sessionUrl)).to.equal(undefined);
  });

  it('survives storage that throws (full or denied)', () => {
    const throwing = { getItem() { throw new Error('denied'); }, setItem() { throw new Error('quota'); }, removeItem() { throw new Error('denied'); } };
    expect(() => saveResume(throwing, record)).not.to.throw();
    expect(loadResume(throwing, record.sessionUrl)).to.equal(undefined);
    expect(() => clearResume(throwing, record.sessionUrl)).not.to.throw();
    expect(loadResume(undefined, record.sessionUrl)).to.equal(undefined);
  });
});

describe('SPEC §6a the context fingerprint', () => {
  it('is the same for the same context in any key order, and differs for any change', () => {
    expect(contextFingerprint({ cart: 'C-1', items: [1, 2], total: { value: 5, currency: 'HKD' } })).to.equal(
      contextFingerprint({ total: { currency: 'HKD', value: 5 }, items: [1, 2], cart: 'C-1' }),
    );
    const seen = new Set(
      [undefined, null, {}, [], 'C-1', { cart: 'C-1' }, { cart: 'C-2' }, { cart: 'C-1', items: [2, 1] }, { cart: 'C-1', items: [1, 2] }].map(contextFingerprint),
    );
    expect(seen.size).to.equal(9);
  });

  it('a context that is not JSON (a BigInt, a cycle) gives a fingerprint, not an exception', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(contextFingerprint({ n: 1n })).to.be.a('string');
    expect(contextFingerprint(cycle)).to.be.a('string');
  });
});
