import { readFileSync } from 'node:fs';
// CLI error conventions: bad input -> one line on stderr, exit code 2; a device or protocol
// failure -> one line, exit code 1.
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

/** Parse hex given as one or more arguments, with or without spaces, optional 0x prefixes. */
export function parseHex(parts: readonly (string | number)[]): Buffer {
  const text = parts
    .map(String)
    .join(' ')
    .replace(/0x/gi, ' ')
    .replace(/[\s,:]+/g, '');
  if (text.length === 0) throw new UsageError('no hex bytes given');
  if (!/^[0-9a-fA-F]+$/.test(text)) throw new UsageError(`not hex: "${parts.join(' ')}"`);
  if (text.length % 2 !== 0) throw new UsageError(`odd number of hex digits (${text.length})`);
  return Buffer.from(text, 'hex');
}

export function toHex(buf: Buffer): string {
  return (buf.toString('hex').match(/../g) ?? []).join(' ');
}

/** JSON with bigint as decimal strings and Buffers as hex strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer') {
      return Buffer.from((v as { data: number[] }).data).toString('hex');
    }
    return v;
  });
}

/** A file's bytes; a file that cannot be read is a UsageError naming it. */
export function readInputFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
