export interface DetectedType {
  contentType: 'application/pdf' | 'image/jpeg' | 'image/png';
  extension: 'pdf' | 'jpg' | 'png';
}

const SIGNATURES: Array<{ magic: number[]; type: DetectedType }> = [
  { magic: [0x25, 0x50, 0x44, 0x46, 0x2d], type: { contentType: 'application/pdf', extension: 'pdf' } },
  { magic: [0xff, 0xd8, 0xff], type: { contentType: 'image/jpeg', extension: 'jpg' } },
  {
    magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    type: { contentType: 'image/png', extension: 'png' },
  },
];

/**
 * The document's type from its first bytes (`%PDF-`, JPEG SOI, PNG signature); the file name and the
 * declared Content-Type are not trusted. Anything else is null.
 */
export function detectDocumentType(content: Buffer): DetectedType | null {
  for (const { magic, type } of SIGNATURES) {
    if (content.length >= magic.length && magic.every((byte, i) => content[i] === byte)) return type;
  }
  return null;
}
