// Human-readable rendering of decoded structures: one "name: value" line per field, nested
// objects and arrays indented. Buffers print as hex, bigints as decimal.
import type { Io } from './usage';

function scalar(v: unknown): string | undefined {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Buffer.isBuffer(v)) return v.length === 0 ? '(empty)' : v.toString('hex');
  return undefined;
}

export function treeLines(value: unknown, indent = ''): string[] {
  const s = scalar(value);
  if (s !== undefined) return [indent + s];
  const lines: string[] = [];
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const si = scalar(item);
      if (si !== undefined) lines.push(`${indent}[${i}] ${si}`);
      else {
        lines.push(`${indent}[${i}]`);
        lines.push(...treeLines(item, indent + '  '));
      }
    });
    return lines;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined) continue;
    const sv = scalar(v);
    if (sv !== undefined) lines.push(`${indent}${k}: ${sv}`);
    else if (Array.isArray(v) && v.length === 0) lines.push(`${indent}${k}: (none)`);
    else {
      lines.push(`${indent}${k}:`);
      lines.push(...treeLines(v, indent + '  '));
    }
  }
  return lines;
}

export function printTree(io: Io, value: unknown): void {
  for (const line of treeLines(value)) io.out(line);
}
