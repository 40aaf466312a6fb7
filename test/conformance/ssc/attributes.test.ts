// READ ATTRIBUTE (SPC-4 6.17) of the cartridge's medium auxiliary memory: attribute values (e.g.
// 0401h MEDIUM SERIAL NUMBER, 0806h BARCODE), attribute list, supported attributes, volume and
// partition lists.
import {
  decodeAttributeListData,
  decodeAttributeValuesData,
  decodeLogicalVolumeListData,
  decodePartitionListData,
  encodeReadAttribute,
  findAttribute,
} from '../../../cdb/spc/read-attribute';
import type { ScsiResult } from '../../../targets/transport';
import { block, expectGood, expectInvalidCdb, expectSense, KEY, Tape, useInProcessTape } from './support';

function readAttribute(
  tape: Tape,
  serviceAction: number,
  o: { first?: number; allocationLength?: number; partition?: number; volume?: number } = {},
): Promise<ScsiResult> {
  const allocationLength = o.allocationLength ?? 4096;
  return tape.exec(
    encodeReadAttribute({
      serviceAction,
      elementAddress: 0,
      logicalVolumeNumber: o.volume ?? 0,
      partitionNumber: o.partition ?? 0,
      firstAttributeIdentifier: o.first ?? 0,
      allocationLength,
      cache: false,
      control: 0,
    }),
    { dataInLength: allocationLength },
  );
}

describe('SSC READ ATTRIBUTE (MAM)', () => {
  const f = useInProcessTape();

  it('ATTRIBUTE VALUES: medium serial number, barcode, manufacturer, density, read-only flags', async () => {
    const r = await readAttribute(f.tape, 0x00);
    expectGood(r);
    const v = decodeAttributeValuesData(r.dataIn);
    expect(findAttribute(v, 0x0401)).toEqual({
      attributeIdentifier: 0x0401,
      readOnly: true,
      format: 'ascii',
      length: 32,
      value: 'CONFSN0001',
    });
    expect(findAttribute(v, 0x0806)).toMatchObject({
      format: 'ascii',
      length: 32,
      value: 'CONF01L8',
      readOnly: false,
    });
    expect(findAttribute(v, 0x0400)).toMatchObject({ value: 'XCOPYEMU', readOnly: true });
    expect(findAttribute(v, 0x0405)).toMatchObject({ format: 'binary', length: 1, value: 0x5en });
    expect(findAttribute(v, 0x0001)).toMatchObject({ format: 'binary', length: 8, value: 32n });
    // In ascending identifier order.
    const ids = v.attributes.map((a) => a.attributeIdentifier);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it('REMAINING CAPACITY IN PARTITION (0000h, MiB) drops as data is written', async () => {
    const before = findAttribute(decodeAttributeValuesData((await readAttribute(f.tape, 0)).dataIn), 0x0000);
    expect(before).toMatchObject({ value: 32n });
    expectGood(await f.tape.write(block(0, 1024 * 1024)));
    expectGood(await f.tape.write(block(1, 1024 * 1024)));
    const after = findAttribute(decodeAttributeValuesData((await readAttribute(f.tape, 0)).dataIn), 0x0000);
    expect(after).toMatchObject({ value: 30n });
  });

  it('FIRST ATTRIBUTE IDENTIFIER: attributes from that identifier on', async () => {
    const r = await readAttribute(f.tape, 0x00, { first: 0x0400 });
    expectGood(r);
    const ids = decodeAttributeValuesData(r.dataIn).attributes.map((a) => a.attributeIdentifier);
    expect(ids[0]).toBe(0x0400);
    expect(ids.every((id) => id >= 0x0400)).toBe(true);
    expect(ids).toContain(0x0806);
  });

  it('the allocation length cuts the data; AVAILABLE DATA still gives the whole length', async () => {
    const whole = await readAttribute(f.tape, 0x00);
    const cut = await readAttribute(f.tape, 0x00, { allocationLength: 10 });
    expectGood(cut);
    expect(cut.dataIn.equals(whole.dataIn.subarray(0, 10))).toBe(true);
    expect(cut.dataIn.readUInt32BE(0)).toBe(whole.dataIn.length - 4);
  });

  it('ATTRIBUTE LIST: the identifiers present; SUPPORTED ATTRIBUTES adds the writable host attributes', async () => {
    const list = decodeAttributeListData((await readAttribute(f.tape, 0x01)).dataIn).attributeIdentifiers;
    expect(list).toEqual(expect.arrayContaining([0x0000, 0x0001, 0x0003, 0x0401, 0x0806]));
    const supported = decodeAttributeListData(
      (await readAttribute(f.tape, 0x05)).dataIn,
    ).attributeIdentifiers;
    expect(supported).toEqual(expect.arrayContaining([0x0401, 0x0800, 0x0801, 0x0806]));
    expect(supported).toEqual([...supported].sort((a, b) => a - b));
  });

  it('LOGICAL VOLUME LIST and PARTITION LIST: one volume with one partition', async () => {
    expect(decodeLogicalVolumeListData((await readAttribute(f.tape, 0x02)).dataIn)).toEqual({
      firstLogicalVolumeNumber: 0,
      numberOfLogicalVolumesAvailable: 1,
    });
    expect(decodePartitionListData((await readAttribute(f.tape, 0x03)).dataIn)).toEqual({
      firstPartitionNumber: 0,
      numberOfPartitionsAvailable: 1,
    });
  });

  it('a partition or volume that does not exist is INVALID FIELD IN CDB', async () => {
    expectInvalidCdb(await readAttribute(f.tape, 0x00, { partition: 1 }));
    expectInvalidCdb(await readAttribute(f.tape, 0x00, { volume: 2 }));
  });

  it('LOAD COUNT counts loads of the cartridge', async () => {
    const count = async (): Promise<unknown> =>
      findAttribute(decodeAttributeValuesData((await readAttribute(f.tape, 0)).dataIn), 0x0003)?.value;
    const first = await count();
    expectGood(await f.tape.loadUnload({ load: false }));
    expectGood(await f.tape.loadUnload({ load: true }));
    expect(await count()).toBe((first as bigint) + 1n);
  });

  it('without a cartridge: NOT READY, MEDIUM NOT PRESENT', async () => {
    f.dut.control.removeCartridge();
    expectSense(await readAttribute(f.tape, 0x00), { key: KEY.NOT_READY, asc: 0x3a, ascq: 0x00 });
  });
});
