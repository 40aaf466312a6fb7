// Parameter lists a copy manager must refuse, each with the exact sense SPC-4 (and libiscsi's test
// suite) expects: PARAMETER LIST LENGTH 0 (GOOD, nothing copied), descriptor lists longer than the
// advertised maximum (05/1A/00), header lengths past the data sent (05/1A/00), too many CSCD or
// segment descriptors (05/26/06, 05/26/08), unsupported descriptor type codes (05/26/07, 05/26/09),
// an invalid field (05/26/00), too much inline data (05/26/0B), and the COPY ABORTED conditions of a
// CSCD nobody can reach (0A/08/04), of the wrong device type (0A/0D/03) and of a stream operation on
// a block device (0A/26/0C).
import { createHash } from 'node:crypto';
import type { SegmentDescriptor } from '../../cdb/xcopy/segment-descriptor';
import type { TargetDescriptor } from '../../cdb/xcopy/target-descriptor';
import type { CheckSpec } from './check';
import { AREA, expectSense, type RunContext } from './context';
import { clearDestination, lbaAt } from './data';
import {
  blockTarget,
  extendedCopyCdb,
  blockToBlock,
  identification,
  naaBlockTarget,
  parameterList,
  streamTarget,
  verifyCscd,
  writeFilemarks,
} from './lists';
import { exec, GOOD, statusText } from './scsi';
import { CheckFailure, NotAdvertised } from './types';

const HEADER = 16;
const CSCD = 32;
const SEG02 = 28;
/** The largest list the error checks build (a copy manager advertising more is tested at this size). */
const LARGEST_LIST = 4 * 1024 * 1024;

/** A harmless valid list: two E4h (disk, destination) and one 02h of zero blocks. */
function baseList(
  ctx: RunContext,
  extra: { targets?: TargetDescriptor[]; segments?: SegmentDescriptor[] } = {},
): Buffer {
  const disk = ctx.needDisk();
  const dst = ctx.needDestination();
  return parameterList({
    listIdentifier: ctx.nextListId(),
    targets: extra.targets ?? [blockTarget(disk), blockTarget(dst)],
    segments: extra.segments ?? [blockToBlock(0, 1, 0, 0n, lbaAt(dst, AREA.destination))],
  });
}

function limits(ctx: RunContext): { cscd?: number; segments?: number; listLength?: number; inline?: number } {
  const op = ctx.caps.operatingParameters;
  if (op !== undefined) {
    return {
      cscd: op.maximumCscdDescriptorCount,
      segments: op.maximumSegmentDescriptorCount,
      listLength: op.maximumDescriptorListLength,
      inline: op.maximumInlineDataLength,
    };
  }
  return {};
}

/** A segment code the copy manager does not implement (reserved codes first). */
function unimplementedSegmentCode(ctx: RunContext): number {
  const have = ctx.caps.codes ?? new Set<number>();
  return [0x17, 0x1f, 0x7f, 0xbd].find((c) => !have.has(c)) ?? 0x17;
}

/** A 32-byte CSCD descriptor code the copy manager does not implement. */
function unimplementedCscdCode(ctx: RunContext): number | undefined {
  const have = ctx.caps.codes ?? new Set<number>();
  return [0xe0, 0xe1, 0xe2, 0xe3, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9].find((c) => !have.has(c));
}

/** An NAA 6 designator no LU should have (derived from a fixed string, marked locally administered). */
function strangerDesignator(): Buffer {
  const h = createHash('sha256').update('xcopy-conformance: no such logical unit').digest();
  const b = Buffer.from(h.subarray(0, 16));
  b[0] = 0x6f;
  return b;
}

export const ERROR_CHECKS: CheckSpec[] = [
  {
    id: 'err.parameter-list-length-zero',
    title: 'EXTENDED COPY with PARAMETER LIST LENGTH 0 is GOOD and copies nothing',
    run: async (ctx) => {
      const a = await exec(ctx.mover, { cdb: extendedCopyCdb(0) });
      if (a.status !== GOOD) throw new CheckFailure(`answered ${statusText(a)}`, a.kcq ?? null);
      return 'GOOD';
    },
  },
  {
    id: 'err.descriptor-list-too-long',
    title:
      'descriptor lists longer than MAXIMUM DESCRIPTOR LIST LENGTH: 05/1A/00 PARAMETER LIST LENGTH ERROR',
    run: async (ctx) => {
      ctx.needCodes(0x02, 0xe4);
      const max = limits(ctx).listLength ?? 1024;
      if (max + CSCD * 2 + SEG02 > LARGEST_LIST)
        throw new NotAdvertised(`MAXIMUM DESCRIPTOR LIST LENGTH ${max} is beyond what this run sends`);
      const disk = ctx.needDisk();
      const dst = ctx.needDestination();
      const count = Math.floor((max - 2 * CSCD) / SEG02) + 1;
      const seg = blockToBlock(0, 1, 0, 0n, lbaAt(dst, AREA.destination));
      const list = parameterList({
        listIdentifier: ctx.nextListId(),
        targets: [blockTarget(disk), blockTarget(dst)],
        segments: Array.from({ length: count }, () => seg),
      });
      const a = await ctx.extendedCopy(list);
      return `${2 * CSCD + count * SEG02} descriptor bytes: ${expectSense(a, '05/1a/00', 'over-long descriptor lists')}`;
    },
  },
  {
    id: 'err.header-lengths-past-data',
    title: 'a SEGMENT DESCRIPTOR LIST LENGTH reaching past the parameter list: 05/1A/00',
    run: async (ctx) => {
      ctx.needCodes(0x02, 0xe4);
      const list = baseList(ctx);
      list.writeUInt32BE(list.readUInt32BE(8) + SEG02, 8);
      const a = await ctx.extendedCopy(list);
      return `answered ${expectSense(a, '05/1a/00', 'header lengths past the data')}`;
    },
  },
  {
    id: 'err.too-many-cscd-descriptors',
    title:
      'one CSCD descriptor more than MAXIMUM CSCD DESCRIPTOR COUNT: 05/26/06 (05/1A/00 if the list is then too long)',
    run: async (ctx) => {
      ctx.needCodes(0x02, 0xe4);
      const l = limits(ctx);
      const n = (l.cscd ?? 64) + 1;
      const bytes = n * CSCD + SEG02;
      if (HEADER + bytes > LARGEST_LIST)
        throw new NotAdvertised(`MAXIMUM CSCD DESCRIPTOR COUNT ${n - 1} is beyond what this run sends`);
      const disk = ctx.needDisk();
      const dst = ctx.needDestination();
      const list = baseList(ctx, {
        targets: [blockTarget(disk), ...Array<TargetDescriptor>(n - 1).fill(blockTarget(dst))],
      });
      const expected = l.listLength !== undefined && bytes > l.listLength ? '05/1a/00' : '05/26/06';
      return `${n} descriptors: ${expectSense(await ctx.extendedCopy(list), expected, 'too many CSCD descriptors')}`;
    },
  },
  {
    id: 'err.too-many-segment-descriptors',
    title:
      'one segment descriptor more than MAXIMUM SEGMENT DESCRIPTOR COUNT: 05/26/08 (05/1A/00 if the list is then too long)',
    run: async (ctx) => {
      ctx.needCodes(0x02, 0xe4);
      const l = limits(ctx);
      const n = (l.segments ?? 256) + 1;
      const bytes = 2 * CSCD + n * SEG02;
      if (HEADER + bytes > LARGEST_LIST)
        throw new NotAdvertised(`MAXIMUM SEGMENT DESCRIPTOR COUNT ${n - 1} is beyond what this run sends`);
      const dst = ctx.needDestination();
      const seg = blockToBlock(0, 1, 0, 0n, lbaAt(dst, AREA.destination));
      const list = baseList(ctx, { segments: Array<SegmentDescriptor>(n).fill(seg) });
      const expected = l.listLength !== undefined && bytes > l.listLength ? '05/1a/00' : '05/26/08';
      return `${n} segments: ${expectSense(await ctx.extendedCopy(list), expected, 'too many segment descriptors')}`;
    },
  },
  {
    id: 'err.unsupported-segment-type',
    title: 'a segment descriptor type code the copy manager does not implement: 05/26/09',
    run: async (ctx) => {
      ctx.needCodes(0x02, 0xe4);
      const list = baseList(ctx);
      const code = unimplementedSegmentCode(ctx);
      list[HEADER + 2 * CSCD] = code;
      const a = await ctx.extendedCopy(list);
      return `type ${code.toString(16)}h: ${expectSense(a, '05/26/09', 'unsupported segment type')}`;
    },
  },
  {
    id: 'err.unsupported-cscd-type',
    title: 'a CSCD descriptor type code the copy manager does not implement: 05/26/07',
    run: async (ctx) => {
      ctx.needCodes(0x02, 0xe4);
      const code = unimplementedCscdCode(ctx);
      if (code === undefined)
        throw new NotAdvertised('every 32-byte CSCD descriptor code E0h-E9h is implemented');
      const list = baseList(ctx);
      list[HEADER] = code;
      const a = await ctx.extendedCopy(list);
      return `type ${code.toString(16)}h: ${expectSense(a, '05/26/07', 'unsupported CSCD type')}`;
    },
  },
  {
    id: 'err.invalid-stream-block-length',
    title:
      'a stream E4h descriptor with FIXED=1 and STREAM BLOCK LENGTH 0: 05/26/00 INVALID FIELD IN PARAMETER LIST',
    run: async (ctx) => {
      ctx.needCodes(0x07, 0xe4);
      const tape = ctx.needTape();
      const list = parameterList({
        listIdentifier: ctx.nextListId(),
        targets: [streamTarget(tape, { fixed: true, streamBlockLength: 1 })],
        segments: [verifyCscd(0, { tur: true })],
      });
      // The codec refuses to build the invalid descriptor: clear STREAM BLOCK LENGTH (bytes 29-31).
      list.writeUIntBE(0, HEADER + 29, 3);
      return `answered ${expectSense(await ctx.extendedCopy(list), '05/26/00', 'FIXED=1 with STREAM BLOCK LENGTH 0')}`;
    },
  },
  {
    id: 'err.inline-data-too-long',
    title: 'INLINE DATA LENGTH above MAXIMUM INLINE DATA LENGTH: 05/26/0B INLINE DATA LENGTH EXCEEDED',
    run: async (ctx) => {
      ctx.needCodes(0x02, 0xe4);
      const max = limits(ctx).inline ?? 0;
      const inline = max + 4;
      if (inline > LARGEST_LIST)
        throw new NotAdvertised(`MAXIMUM INLINE DATA LENGTH ${max} is beyond what this run sends`);
      const disk = ctx.needDisk();
      const dst = ctx.needDestination();
      const list = parameterList({
        listIdentifier: ctx.nextListId(),
        targets: [blockTarget(disk), blockTarget(dst)],
        segments: [blockToBlock(0, 1, 0, 0n, lbaAt(dst, AREA.destination))],
        inline: Buffer.alloc(inline),
      });
      return `${inline} inline bytes: ${expectSense(await ctx.extendedCopy(list), '05/26/0b', 'too much inline data')}`;
    },
  },
  {
    id: 'err.unreachable-cscd',
    title: 'an E4h descriptor naming a LU nobody has: COPY ABORTED, UNREACHABLE COPY TARGET (0A/08/04)',
    run: async (ctx) => {
      ctx.needCodes(0x02, 0xe4);
      const dst = ctx.needDestination();
      const stranger = naaBlockTarget(strangerDesignator());
      const dstLba = await clearDestination(ctx, dst.io.blockLength);
      const a = await ctx.copy({
        listIdentifier: ctx.nextListId(),
        targets: [stranger, blockTarget(dst)],
        segments: [blockToBlock(0, 1, 1, 0n, dstLba)],
      });
      return `answered ${expectSense(a, '0a/08/04', 'unreachable CSCD')}`;
    },
  },
  {
    id: 'err.wrong-device-type',
    title:
      'an E4h descriptor naming the tape as a block device: COPY ABORTED, INCORRECT COPY TARGET DEVICE TYPE (0A/0D/03)',
    run: async (ctx) => {
      ctx.needCodes(0x02, 0xe4);
      const tape = ctx.needTape();
      const dst = ctx.needDestination();
      const dstLba = await clearDestination(ctx, dst.io.blockLength);
      const a = await ctx.copy({
        listIdentifier: ctx.nextListId(),
        targets: [
          identification(tape, 0x00, { kind: 'block', pad: false, diskBlockLength: 0 }),
          blockTarget(dst),
        ],
        segments: [blockToBlock(0, 1, 1, 0n, dstLba)],
      });
      return `answered ${expectSense(a, '0a/0d/03', 'tape named as a disk')}`;
    },
  },
  {
    id: 'err.stream-segment-on-block-device',
    title:
      '10h write filemarks with a block device as destination: COPY ABORTED, 26/0C INVALID OPERATION FOR COPY SOURCE OR DESTINATION',
    run: async (ctx) => {
      ctx.needCodes(0x10, 0xe4);
      const disk = ctx.needDisk();
      const a = await ctx.copy({
        listIdentifier: ctx.nextListId(),
        targets: [blockTarget(disk)],
        segments: [writeFilemarks(0, 1)],
      });
      return `answered ${expectSense(a, '0a/26/0c', '10h to a disk')}`;
    },
  },
];
