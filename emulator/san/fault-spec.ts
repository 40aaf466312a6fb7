// Fault specifications the admin API accepts (POST /faults), parsed from JSON with one-line errors.
// Disk and tape faults use the devices' own hooks (DiskDevice.injectMediumError,
// TapeDevice.injectMediumError / forceEarlyWarningAt / forceEndOfPartitionAt); delays and arbitrary
// sense or status answers are FaultInjectingLu rules around the served LU; connection drops are
// rules on the iSCSI server's connection tap.
import type { ByteDirection } from './connection-faults';
import { badRequest } from './errors';

export type DiskOperation = 'read' | 'write' | 'any';

interface RuleLimits {
  /** Let this many matching commands through first. */
  skip?: number;
  /** Fire at most this many times. */
  times?: number;
}

export type FaultSpec =
  | { kind: 'medium-error'; lu: string; lba: number; blocks: number; operation: DiskOperation }
  | { kind: 'tape-medium-error'; lu: string; object: number }
  | { kind: 'early-warning'; lu: string; object: number }
  | { kind: 'end-of-partition'; lu: string; object: number }
  | ({ kind: 'delay'; lu: string; ms: number; opcodes?: number[] } & RuleLimits)
  | ({
      kind: 'sense';
      lu: string;
      senseKey: number;
      asc: number;
      ascq: number;
      opcodes?: number[];
      information?: number;
      filemark?: boolean;
      eom?: boolean;
      ili?: boolean;
    } & RuleLimits)
  | ({ kind: 'status'; lu: string; status: number; opcodes?: number[] } & RuleLimits)
  | {
      kind: 'drop-connection';
      afterBytes: number;
      direction: ByteDirection;
      target?: string;
      initiator?: string;
      times: number;
    };

export const FAULT_KINDS = [
  'medium-error',
  'tape-medium-error',
  'early-warning',
  'end-of-partition',
  'delay',
  'sense',
  'status',
  'drop-connection',
] as const;

type Body = Record<string, unknown>;

function only(b: Body, keys: readonly string[]): void {
  for (const k of Object.keys(b)) {
    if (!keys.includes(k))
      throw badRequest(`${String(b.kind)} fault: unknown field "${k}" (known: ${keys.join(', ')})`);
  }
}

function int(b: Body, key: string, min: number, max: number, dflt?: number): number {
  const v = b[key];
  if (v === undefined && dflt !== undefined) return dflt;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max)
    throw badRequest(`${String(b.kind)} fault: "${key}" must be an integer from ${min} to ${max}`);
  return v;
}

function optInt(b: Body, key: string, min: number, max: number): number | undefined {
  return b[key] === undefined ? undefined : int(b, key, min, max);
}

function optBool(b: Body, key: string): boolean | undefined {
  const v = b[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw badRequest(`${String(b.kind)} fault: "${key}" must be true or false`);
  return v;
}

function str(b: Body, key: string): string {
  const v = b[key];
  if (typeof v !== 'string' || v.length === 0)
    throw badRequest(`${String(b.kind)} fault: "${key}" must be a name`);
  return v;
}

function optStr(b: Body, key: string): string | undefined {
  return b[key] === undefined ? undefined : str(b, key);
}

function opcodes(b: Body): number[] | undefined {
  const v = b.opcodes;
  if (v === undefined) return undefined;
  if (
    !Array.isArray(v) ||
    !v.every((o) => typeof o === 'number' && Number.isInteger(o) && o >= 0 && o <= 255)
  )
    throw badRequest(`${String(b.kind)} fault: "opcodes" must be a list of operation codes 0-255`);
  return v as number[];
}

function limits(b: Body): RuleLimits {
  const out: RuleLimits = {};
  const skip = optInt(b, 'skip', 0, 2 ** 31);
  const times = optInt(b, 'times', 1, 2 ** 31);
  if (skip !== undefined) out.skip = skip;
  if (times !== undefined) out.times = times;
  return out;
}

function defined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

const LIMIT_KEYS = ['skip', 'times'];

/** Parse a POST /faults body. */
export function parseFaultSpec(v: unknown): FaultSpec {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw badRequest('a fault is a JSON object');
  const b = v as Body;
  const kind = b.kind;
  switch (kind) {
    case 'medium-error': {
      only(b, ['kind', 'lu', 'lba', 'blocks', 'operation']);
      const op = b.operation ?? 'any';
      if (op !== 'read' && op !== 'write' && op !== 'any')
        throw badRequest('medium-error fault: "operation" must be read, write or any');
      return {
        kind,
        lu: str(b, 'lu'),
        lba: int(b, 'lba', 0, Number.MAX_SAFE_INTEGER),
        blocks: int(b, 'blocks', 1, Number.MAX_SAFE_INTEGER, 1),
        operation: op,
      };
    }
    case 'tape-medium-error':
    case 'early-warning':
    case 'end-of-partition':
      only(b, ['kind', 'lu', 'object']);
      return { kind, lu: str(b, 'lu'), object: int(b, 'object', 0, Number.MAX_SAFE_INTEGER) };
    case 'delay':
      only(b, ['kind', 'lu', 'ms', 'opcodes', ...LIMIT_KEYS]);
      return defined({
        kind,
        lu: str(b, 'lu'),
        ms: int(b, 'ms', 0, 600000),
        opcodes: opcodes(b),
        ...limits(b),
      });
    case 'sense':
      only(b, [
        'kind',
        'lu',
        'senseKey',
        'asc',
        'ascq',
        'opcodes',
        'information',
        'filemark',
        'eom',
        'ili',
        ...LIMIT_KEYS,
      ]);
      return defined({
        kind,
        lu: str(b, 'lu'),
        senseKey: int(b, 'senseKey', 0, 15),
        asc: int(b, 'asc', 0, 255),
        ascq: int(b, 'ascq', 0, 255),
        opcodes: opcodes(b),
        information: optInt(b, 'information', 0, 0xffffffff),
        filemark: optBool(b, 'filemark'),
        eom: optBool(b, 'eom'),
        ili: optBool(b, 'ili'),
        ...limits(b),
      });
    case 'status': {
      only(b, ['kind', 'lu', 'status', 'opcodes', ...LIMIT_KEYS]);
      const status = int(b, 'status', 0, 255);
      if (status === 0 || status === 2)
        throw badRequest(
          'status fault: use a status other than GOOD and CHECK CONDITION (a "sense" fault sends the latter)',
        );
      return defined({ kind, lu: str(b, 'lu'), status, opcodes: opcodes(b), ...limits(b) });
    }
    case 'drop-connection': {
      only(b, ['kind', 'afterBytes', 'direction', 'target', 'initiator', 'times']);
      const direction = b.direction ?? 'both';
      if (direction !== 'in' && direction !== 'out' && direction !== 'both')
        throw badRequest('drop-connection fault: "direction" must be in, out or both');
      return defined({
        kind,
        afterBytes: int(b, 'afterBytes', 0, Number.MAX_SAFE_INTEGER),
        direction,
        target: optStr(b, 'target'),
        initiator: optStr(b, 'initiator'),
        times: int(b, 'times', 1, 2 ** 31, 1),
      });
    }
    default:
      throw badRequest(`unknown fault kind ${JSON.stringify(kind)} (one of ${FAULT_KINDS.join(', ')})`);
  }
}
