import * as fc from 'fast-check';
import {
  decodeGetLbaStatus,
  decodeLbaStatusData,
  encodeGetLbaStatus,
  encodeLbaStatusData,
  lbaStatusParameterDataLength,
  PROVISIONING_STATUS,
} from '../../../../cdb/sbc/get-lba-status';
import { control, u32, u64, u8 } from './arbitraries';
import {
  expectInvalidCdb,
  expectInvalidOpcode,
  expectInvalidParam,
  expectParamListLength,
  hex,
} from './sense';

const descriptor = fc.record({
  lbaStatusLogicalBlockAddress: u64,
  numberOfLogicalBlocks: u32,
  provisioningStatus: fc.integer({ min: 0, max: 15 }),
  additionalStatus: u8,
});

// Valid data: the descriptors present plus any number of further descriptors that were cut off.
const lbaStatusData = fc
  .tuple(
    fc.array(descriptor, { maxLength: 20 }),
    fc.nat({ max: 50 }),
    fc.integer({ min: 0, max: 7 }),
    fc.boolean(),
  )
  .map(([descriptors, more, completionCondition, rtp]) => ({
    parameterDataLength: lbaStatusParameterDataLength(Math.max(1, descriptors.length + more)),
    completionCondition,
    rtp,
    descriptors,
  }));

describe('GET LBA STATUS CDB', () => {
  it('round-trips', () => {
    const cdb = fc.record({
      startingLogicalBlockAddress: u64,
      allocationLength: u32,
      reportType: u8,
      control,
    });
    fc.assert(fc.property(cdb, (v) => expect(decodeGetLbaStatus(encodeGetLbaStatus(v))).toEqual(v)));
  });

  it('golden: SERVICE ACTION IN(16) 9Eh / 12h from LBA 2048, 4 KiB allocation', () => {
    const cdb = hex(
      '9e' + //                    OPERATION CODE
        '12' + //                  SERVICE ACTION 12h
        '00 00 00 00 00 00 08 00' + // STARTING LOGICAL BLOCK ADDRESS 2048
        '00 00 10 00' + //         ALLOCATION LENGTH 4096
        '00' + //                  REPORT TYPE 0 (all LBAs)
        '00', //                   CONTROL
    );
    const v = { startingLogicalBlockAddress: 2048n, allocationLength: 4096, reportType: 0, control: 0 };
    expect(encodeGetLbaStatus(v)).toEqual(cdb);
    expect(decodeGetLbaStatus(cdb)).toEqual(v);
  });

  it('rejects the READ CAPACITY(16) service action, a wrong opcode and a short CDB', () => {
    expectInvalidCdb(() => decodeGetLbaStatus(hex('9e 10 00 00 00 00 00 00 00 00 00 00 10 00 00 00')), 1, 4);
    expectInvalidOpcode(() => decodeGetLbaStatus(hex('9f 12 00 00 00 00 00 00 00 00 00 00 10 00 00 00')));
    expectInvalidCdb(() => decodeGetLbaStatus(hex('9e 12 00')), 0);
  });
});

describe('GET LBA STATUS parameter data', () => {
  it('round-trips, including responses cut short by the allocation length', () => {
    fc.assert(
      fc.property(lbaStatusData, (v) => expect(decodeLbaStatusData(encodeLbaStatusData(v))).toEqual(v)),
    );
  });

  it('golden: a mapped extent followed by a deallocated one', () => {
    const data = hex(
      '00 00 00 24' + //                PARAMETER DATA LENGTH 36 (4 + 2 x 16)
        '00 00 00' + //                 reserved
        '01' + //                       COMPLETION CONDITION 0, RTP 1
        '00 00 00 00 00 00 00 00' + //  [0] LBA STATUS LOGICAL BLOCK ADDRESS 0
        '00 00 08 00' + //              [0] NUMBER OF LOGICAL BLOCKS 2048
        '00' + //                       [0] PROVISIONING STATUS 0h mapped (or unknown)
        '00 00 00' + //                 [0] ADDITIONAL STATUS 0, reserved
        '00 00 00 00 00 00 08 00' + //  [1] LBA 2048
        '00 01 00 00' + //              [1] NUMBER OF LOGICAL BLOCKS 65536
        '01' + //                       [1] PROVISIONING STATUS 1h deallocated
        '00 00 00', //                  [1] ADDITIONAL STATUS 0, reserved
    );
    const v = {
      parameterDataLength: 36,
      completionCondition: 0,
      rtp: true,
      descriptors: [
        {
          lbaStatusLogicalBlockAddress: 0n,
          numberOfLogicalBlocks: 2048,
          provisioningStatus: PROVISIONING_STATUS.mappedOrUnknown,
          additionalStatus: 0,
        },
        {
          lbaStatusLogicalBlockAddress: 2048n,
          numberOfLogicalBlocks: 65536,
          provisioningStatus: PROVISIONING_STATUS.deallocated,
          additionalStatus: 0,
        },
      ],
    };
    expect(encodeLbaStatusData(v)).toEqual(data);
    expect(decodeLbaStatusData(data)).toEqual(v);
  });

  it('keeps only complete descriptors when the allocation length cut the data', () => {
    const full = encodeLbaStatusData({
      parameterDataLength: 36,
      completionCondition: 0,
      rtp: false,
      descriptors: [
        {
          lbaStatusLogicalBlockAddress: 0n,
          numberOfLogicalBlocks: 8,
          provisioningStatus: 2,
          additionalStatus: 0,
        },
        {
          lbaStatusLogicalBlockAddress: 8n,
          numberOfLogicalBlocks: 8,
          provisioningStatus: 1,
          additionalStatus: 0,
        },
      ],
    });
    const cut = decodeLbaStatusData(full.subarray(0, 8 + 16 + 3));
    expect(cut.parameterDataLength).toBe(36);
    expect(cut.descriptors).toEqual([
      {
        lbaStatusLogicalBlockAddress: 0n,
        numberOfLogicalBlocks: 8,
        provisioningStatus: PROVISIONING_STATUS.anchored,
        additionalStatus: 0,
      },
    ]);
    expect(decodeLbaStatusData(full.subarray(0, 8)).descriptors).toEqual([]);
  });

  it('ignores bytes beyond PARAMETER DATA LENGTH', () => {
    const d = {
      lbaStatusLogicalBlockAddress: 5n,
      numberOfLogicalBlocks: 1,
      provisioningStatus: 3,
      additionalStatus: 1,
    };
    const data = Buffer.concat([
      encodeLbaStatusData({ parameterDataLength: 20, completionCondition: 3, rtp: false, descriptors: [d] }),
      Buffer.alloc(16, 0xff),
    ]);
    expect(decodeLbaStatusData(data)).toEqual({
      parameterDataLength: 20,
      completionCondition: 3,
      rtp: false,
      descriptors: [d],
    });
  });

  it('PARAMETER DATA LENGTH below 20 or off a descriptor boundary is 05/26/00 at byte 0', () => {
    expectInvalidParam(() => decodeLbaStatusData(hex('00 00 00 04 00 00 00 00')), 0);
    expectInvalidParam(() => decodeLbaStatusData(hex('00 00 00 15 00 00 00 00' + '00'.repeat(17))), 0);
  });

  it('fewer than 8 bytes is 05/1A/00', () => {
    expectParamListLength(() => decodeLbaStatusData(hex('00 00 00 14 00 00 00')));
  });

  it('refuses inconsistent lengths when encoding', () => {
    const d = {
      lbaStatusLogicalBlockAddress: 0n,
      numberOfLogicalBlocks: 1,
      provisioningStatus: 0,
      additionalStatus: 0,
    };
    expect(() =>
      encodeLbaStatusData({
        parameterDataLength: 20,
        completionCondition: 0,
        rtp: false,
        descriptors: [d, d],
      }),
    ).toThrow(RangeError);
    expect(() =>
      encodeLbaStatusData({ parameterDataLength: 4, completionCondition: 0, rtp: false, descriptors: [] }),
    ).toThrow(RangeError);
    expect(() =>
      encodeLbaStatusData({ parameterDataLength: 22, completionCondition: 0, rtp: false, descriptors: [] }),
    ).toThrow(RangeError);
    expect(() =>
      encodeLbaStatusData({ parameterDataLength: 20, completionCondition: 8, rtp: false, descriptors: [] }),
    ).toThrow(RangeError);
    expect(() =>
      encodeLbaStatusData({
        parameterDataLength: 20,
        completionCondition: 0,
        rtp: false,
        descriptors: [{ ...d, provisioningStatus: 16 }],
      }),
    ).toThrow(RangeError);
  });
});
