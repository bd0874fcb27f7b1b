import { expect } from '@open-wc/testing';
import { clearResume, loadResume, resumeKey, saveResume, type ResumeRecord } from '../../../src/lib/resume.js';

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
