import { randomBytes } from 'node:crypto';
import { decryptIban, encryptIban, isValidIban, normalizeIban } from './iban';
import { detectDocumentType } from './document-type';

describe('IBAN', () => {
  it.each(['GB82 WEST 1234 5698 7654 32', 'DE89370400440532013000', 'fr1420041010050500013m02606'])(
    'accepts %s',
    (iban) => expect(isValidIban(iban)).toBe(true),
  );

  it.each(['GB82 WEST 1234 5698 7654 33', 'DE89370400440532013001', 'XX', '1234567890123456', ''])(
    'refuses %s',
    (iban) => expect(isValidIban(iban)).toBe(false),
  );

  it('normalizes spaces and case', () => {
    expect(normalizeIban('gb82 west 1234 5698 7654 32')).toBe('GB82WEST12345698765432');
  });

  it('encrypts with a fresh IV and decrypts only with the key', () => {
    const key = randomBytes(32);
    const a = encryptIban('GB82WEST12345698765432', key);
    const b = encryptIban('GB82WEST12345698765432', key);
    expect(a).not.toBe(b);
    expect(a).not.toContain('WEST');
    expect(decryptIban(a, key)).toBe('GB82WEST12345698765432');
    expect(() => decryptIban(a, randomBytes(32))).toThrow();
  });
});

describe('detectDocumentType', () => {
  it('recognises PDF, JPEG and PNG by their first bytes', () => {
    expect(detectDocumentType(Buffer.from('%PDF-1.7\n'))?.contentType).toBe('application/pdf');
    expect(detectDocumentType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0]))?.contentType).toBe('image/jpeg');
    expect(
      detectDocumentType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))?.contentType,
    ).toBe('image/png');
  });

  it('refuses a Windows executable whatever its name', () => {
    expect(detectDocumentType(Buffer.from('MZ\x90\x00\x03\x00\x00\x00'))).toBeNull();
    expect(detectDocumentType(Buffer.alloc(0))).toBeNull();
  });
});
