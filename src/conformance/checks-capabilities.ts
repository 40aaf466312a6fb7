// Checks of what the copy manager says about itself (standard INQUIRY 3PC, VPD 8Fh, RECEIVE COPY
// RESULTS OPERATING PARAMETERS) and of the LUs the copies will use.
import { findThirdPartyCopyDescriptor } from '../../cdb/spc/vpd-8f';
import { type CheckSpec } from './check';
import { hexCode, MINIMUM_DISK_BYTES } from './context';
import { statusText } from './scsi';
import { CheckFailure, NotAdvertised } from './types';

export const CAPABILITY_CHECKS: CheckSpec[] = [
  {
    id: 'cap.inquiry-3pc',
    title: 'standard INQUIRY reports 3PC=1 (the LU contains a copy manager)',
    run: (ctx) => {
      const inq = ctx.caps.inquiry;
      if (inq === undefined) {
        const a = ctx.caps.inquiryAnswer;
        throw new CheckFailure(
          `standard INQUIRY: ${a === undefined ? 'no answer' : statusText(a)}`,
          a?.kcq ?? null,
        );
      }
      if (!inq.threePc)
        throw new CheckFailure(`3PC=0 (${inq.t10VendorIdentification} ${inq.productIdentification})`);
      return Promise.resolve(
        `3PC=1, ${inq.t10VendorIdentification} ${inq.productIdentification} ${inq.productRevisionLevel}`,
      );
    },
  },
  {
    id: 'cap.vpd-8f',
    title: 'VPD page 8Fh (Third-party Copy) decodes and lists EXTENDED COPY(LID1)',
    run: (ctx) => {
      const v = ctx.caps.vpd8f;
      if (!v.listed) throw new NotAdvertised('VPD page 8Fh is not in the Supported VPD Pages page');
      if (v.page === undefined)
        throw new CheckFailure(`VPD page 8Fh: ${v.error ?? 'no data'}`, v.answer?.kcq ?? null);
      const cmds = findThirdPartyCopyDescriptor(v.page, 0x0001);
      const xc = cmds?.commands.find((c) => c.operationCode === 0x83);
      if (xc === undefined || !xc.serviceActions.includes(0x00))
        throw new CheckFailure('VPD 8Fh Supported Commands does not list EXTENDED COPY(LID1) (83h/00h)');
      return Promise.resolve(`${v.page.thirdPartyCopyDescriptors.length} third-party copy descriptors`);
    },
  },
  {
    id: 'cap.rcr-operating-parameters',
    title: 'RECEIVE COPY RESULTS 03h OPERATING PARAMETERS: GOOD, AVAILABLE DATA >= 40, codes ascending',
    run: (ctx) => {
      const op = ctx.caps.operatingParameters;
      const raw = ctx.caps.operatingParametersRaw;
      if (op === undefined || raw === undefined) {
        throw new CheckFailure(
          `OPERATING PARAMETERS: ${ctx.caps.operatingParametersError ?? 'no data'}`,
          ctx.caps.operatingParametersAnswer?.kcq ?? null,
        );
      }
      const available = raw.readUInt32BE(0);
      if (available < 40)
        throw new CheckFailure(`AVAILABLE DATA ${available} < 40 (libiscsi and SPC-4 need 40)`);
      const codes = op.implementedDescriptorTypeCodes;
      for (let i = 1; i < codes.length; i++)
        if (codes[i] <= codes[i - 1])
          throw new CheckFailure('IMPLEMENTED DESCRIPTOR TYPE CODES not in ascending order');
      if (op.maximumCscdDescriptorCount < 1 || op.maximumSegmentDescriptorCount < 1)
        throw new CheckFailure('MAXIMUM CSCD/SEGMENT DESCRIPTOR COUNT is 0');
      return Promise.resolve(
        `${op.maximumCscdDescriptorCount} CSCD, ${op.maximumSegmentDescriptorCount} segments, list ${op.maximumDescriptorListLength} bytes, inline ${op.maximumInlineDataLength}, held ${op.heldDataLimit}; codes ${codes.map(hexCode).join(' ')}`,
      );
    },
  },
  {
    id: 'cap.vpd-8f-agrees',
    title: 'VPD 8Fh and OPERATING PARAMETERS report the same limits and descriptor type codes',
    run: (ctx) => {
      const page = ctx.caps.vpd8f.page;
      if (page === undefined) throw new NotAdvertised('no VPD page 8Fh to compare');
      const op = ctx.caps.operatingParameters;
      if (op === undefined)
        throw new CheckFailure('OPERATING PARAMETERS unavailable: nothing to compare VPD 8Fh with');
      const diffs: string[] = [];
      const pd = findThirdPartyCopyDescriptor(page, 0x0004);
      if (pd !== undefined) {
        const pairs: [string, number, number][] = [
          ['MAXIMUM CSCD DESCRIPTOR COUNT', pd.maximumCscdDescriptorCount, op.maximumCscdDescriptorCount],
          [
            'MAXIMUM SEGMENT DESCRIPTOR COUNT',
            pd.maximumSegmentDescriptorCount,
            op.maximumSegmentDescriptorCount,
          ],
          ['MAXIMUM DESCRIPTOR LIST LENGTH', pd.maximumDescriptorListLength, op.maximumDescriptorListLength],
          ['MAXIMUM INLINE DATA LENGTH', pd.maximumInlineDataLength, op.maximumInlineDataLength],
        ];
        for (const [name, a, b] of pairs) if (a !== b) diffs.push(`${name} ${a} vs ${b}`);
      }
      const sd = findThirdPartyCopyDescriptor(page, 0x0008);
      if (
        sd !== undefined &&
        sd.descriptorTypeCodes.join(',') !== op.implementedDescriptorTypeCodes.join(',')
      )
        diffs.push('descriptor type codes differ');
      if (diffs.length > 0) throw new CheckFailure(diffs.join('; '));
      return Promise.resolve('limits and codes agree');
    },
  },
  {
    id: 'lu.disk',
    title: '--disk is a block device with a VPD 83h LU designator usable in an E4h descriptor',
    run: (ctx) => {
      const d = ctx.needDisk();
      return Promise.resolve(
        `designator type ${d.designator.designatorType} (${d.designatorBytes.length} bytes), ${d.io.blocks} blocks of ${d.io.blockLength} (needs ${MINIMUM_DISK_BYTES} bytes)`,
      );
    },
  },
  {
    id: 'lu.tape',
    title: '--tape is a ready stream device with a VPD 83h LU designator usable in an E4h descriptor',
    run: (ctx) => {
      const t = ctx.needTape();
      return Promise.resolve(
        `designator type ${t.designator.designatorType} (${t.designatorBytes.length} bytes)`,
      );
    },
  },
  {
    id: 'lu.restore',
    title: '--restore is a block device with a VPD 83h LU designator (else copies to disk land on --disk)',
    run: (ctx) => {
      if (!ctx.restoreGiven)
        return Promise.resolve('no --restore: destinations are on --disk past the source area');
      const d = ctx.needDestination();
      return Promise.resolve(
        `designator type ${d.designator.designatorType}, ${d.io.blocks} blocks of ${d.io.blockLength}`,
      );
    },
  },
];
