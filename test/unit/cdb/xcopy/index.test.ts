import fc from 'fast-check';
import { SenseError } from '../../../../cdb/errors';
import { describeCdb, lookupCommand } from '../../../../cdb/commands';
import {
  COMMANDS,
  DECODERS,
  SPEC_MAXIMUM_LIMITS,
  encodeExtendedCopyParameterList,
} from '../../../../cdb/xcopy/index';
import { parameterList } from './arbitraries';
import { expectSense, hex } from './helpers';

test('the registry finds EXTENDED COPY(LID1) and the four RECEIVE COPY RESULTS service actions', () => {
  expect(COMMANDS.map((c) => c.name)).toEqual([
    'EXTENDED COPY(LID1)',
    'RECEIVE COPY STATUS(LID1)',
    'RECEIVE COPY DATA(LID1)',
    'RECEIVE COPY OPERATING PARAMETERS',
    'RECEIVE COPY FAILURE DETAILS(LID1)',
  ]);
  expect(describeCdb(hex('83 00 0000000000000000 00000020 00 00'))).toEqual([
    { name: 'EXTENDED COPY(LID1)', fields: { parameterListLength: 32, control: 0 } },
  ]);
  expect(lookupCommand(hex('84 03 00 00000000000000 00000400 00 00'), 0).map((c) => c.name)).toEqual([
    'RECEIVE COPY OPERATING PARAMETERS',
  ]);
  // EXTENDED COPY(LID4) is not registered: the registry answers 05/24/00 on the service action.
  expectSense(() => lookupCommand(hex('83 01 0000000000000000 00000020 00 00')), {
    asc: 0x24,
    ascq: 0x00,
    field: 1,
    cd: true,
  });
});

test('DECODERS lists every xcopy decoder', () => {
  expect(Object.keys(DECODERS).sort()).toEqual(
    [
      'xcopy.copyAbortedSense',
      'xcopy.copyStatus',
      'xcopy.extendedCopy',
      'xcopy.failedSegmentDetails',
      'xcopy.operatingParameters',
      'xcopy.parameterList',
      'xcopy.receiveCopyResults',
      'xcopy.receiveData',
      'xcopy.segmentDescriptor',
      'xcopy.targetDescriptor',
    ].sort(),
  );
  expect(SPEC_MAXIMUM_LIMITS.maximumCscdDescriptorCount).toBe(0xffff);
});

function onlySenseErrors(decode: (b: Buffer) => unknown, buf: Buffer): void {
  try {
    decode(buf);
  } catch (e) {
    if (!(e instanceof SenseError)) throw e;
  }
}

test('decoders throw nothing but SenseError on random bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (a) => {
      for (const decode of Object.values(DECODERS)) onlySenseErrors(decode, Buffer.from(a));
    }),
    { numRuns: 300 },
  );
});

test('decoders throw nothing but SenseError on mutated valid lists', () => {
  fc.assert(
    fc.property(
      parameterList,
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
      (l, edits) => {
        const b = encodeExtendedCopyParameterList(l);
        for (const [at, v] of edits) b[at % b.length] = v;
        onlySenseErrors(DECODERS['xcopy.parameterList'], b);
      },
    ),
    { numRuns: 300 },
  );
});
