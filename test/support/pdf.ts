import { inflateSync } from 'node:zlib';

/**
 * The text of a PDF written with standard fonts (pdfkit's Helvetica): checks the file structure,
 * inflates each content stream and reads the strings of its TJ/Tj operators, one line per operator.
 * Enough to assert what a receipt says without a PDF library.
 */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  if (!raw.startsWith('%PDF-')) throw new Error('not a PDF: no %PDF- header');
  if (!/%%EOF\s*$/.test(raw)) throw new Error('not a PDF: no %%EOF trailer');
  if (!/\bxref\b/.test(raw) || !/\btrailer\b/.test(raw)) throw new Error('not a PDF: no xref/trailer');
  const lines: string[] = [];
  const streams = /stream\r?\n/g;
  let match: RegExpExecArray | null;
  while ((match = streams.exec(raw))) {
    const start = match.index + match[0].length;
    const end = raw.indexOf('endstream', start);
    if (end < 0) break;
    const bytes = pdf.subarray(start, end);
    let content: string;
    try {
      content = inflateSync(bytes).toString('latin1');
    } catch {
      content = bytes.toString('latin1');
    }
    for (const op of content.matchAll(/\[([^\]]*)\]\s*TJ|(<[0-9a-fA-F]*>|\((?:\\.|[^\\)])*\))\s*Tj/g)) {
      const operands = op[1] ?? op[2];
      let text = '';
      for (const s of operands.matchAll(/<([0-9a-fA-F]*)>|\(((?:\\.|[^\\)])*)\)/g)) {
        text +=
          s[1] !== undefined ? Buffer.from(s[1], 'hex').toString('latin1') : s[2].replace(/\\(.)/g, '$1');
      }
      lines.push(text);
    }
    streams.lastIndex = end;
  }
  return lines.join('\n');
}
