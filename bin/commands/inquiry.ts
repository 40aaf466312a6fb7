// `xcopyctl inquiry ADDRESS [--vpd PAGE] [--hex | --json]`: standard INQUIRY or one VPD page.
import type { Argv, CommandModule } from 'yargs';
import { decodeStandardInquiry } from '../../cdb/spc/inquiry';
import { decodeSupportedVpdPages } from '../../cdb/spc/vpd-00';
import { decodeUnitSerialNumber } from '../../cdb/spc/vpd-80';
import { decodeDeviceIdentification } from '../../cdb/spc/vpd-83';
import { decodeThirdPartyCopy } from '../../cdb/spc/vpd-8f';
import { decodeBlockLimits } from '../../cdb/spc/vpd-b0';
import { decodeBlockDeviceCharacteristics } from '../../cdb/spc/vpd-b1';
import { decodeLogicalBlockProvisioning } from '../../cdb/spc/vpd-b2';
import { deviceTypeName, inquiryRaw } from '../../src/inventory';
import { printTree } from '../print';
import { type Io, toHex, toJson, UsageError } from '../usage';
import { parseVpdPage, withTransport } from './device-common';

const VPD_DECODERS: Record<number, (b: Buffer) => object> = {
  0x00: decodeSupportedVpdPages,
  0x80: decodeUnitSerialNumber,
  0x83: decodeDeviceIdentification,
  0x8f: decodeThirdPartyCopy,
  0xb0: decodeBlockLimits,
  0xb1: decodeBlockDeviceCharacteristics,
  0xb2: decodeLogicalBlockProvisioning,
};

interface InquiryArgs {
  address: string;
  vpd?: string;
  hex?: boolean;
  json?: boolean;
}

export function inquiryVerb(io: Io): CommandModule {
  const verb: CommandModule<object, InquiryArgs> = {
    command: 'inquiry <address>',
    describe: 'send INQUIRY to a LU (iscsi:// URL or /dev/sg device) and decode the answer',
    builder: (y: Argv<object>): Argv<InquiryArgs> =>
      y
        .positional('address', {
          type: 'string',
          demandOption: true,
          describe: 'iscsi://host[:port]/iqn/lun or /dev/sgN',
        })
        .option('vpd', { type: 'string', describe: 'VPD page: 0x83, 83h, 131 or sv|sn|di|tpc|bl|bdc|lbp' })
        .option('hex', {
          type: 'boolean',
          default: false,
          describe: 'print the raw response bytes as hex, nothing else',
        })
        .option('json', { type: 'boolean', describe: 'print the decoded response as JSON' })
        .example(
          '$0 inquiry iscsi://127.0.0.1:3260/iqn.2026-11.example:san/0 --vpd 0x83',
          'device identification',
        ),
    handler: async (argv) => {
      if (argv.hex && argv.json) throw new UsageError('--hex and --json are mutually exclusive');
      const page = argv.vpd === undefined ? undefined : parseVpdPage(argv.vpd);
      if (argv.vpd !== undefined && page === undefined)
        throw new UsageError(`not a VPD page: ${JSON.stringify(argv.vpd)}`);
      const raw = await withTransport(argv.address, (t) => inquiryRaw(t, page));
      if (argv.hex) {
        io.out(toHex(raw));
        return;
      }
      let decoded: object;
      if (page === undefined) {
        const std = decodeStandardInquiry(raw);
        decoded = argv.json
          ? std
          : {
              deviceType: `${deviceTypeName(std.peripheralDeviceType)} (${std.peripheralDeviceType})`,
              ...std,
            };
      } else {
        const decode = VPD_DECODERS[page];
        decoded = decode ? decode(raw) : { pageCode: page, bytes: raw };
      }
      if (argv.json) io.out(toJson(decoded));
      else printTree(io, decoded);
    },
  };
  return verb as CommandModule;
}
