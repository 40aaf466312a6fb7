// `xcopyctl readcap ADDRESS [--json]`: capacity of a block device.
import type { Argv, CommandModule } from 'yargs';
import { readCapacity } from '../../src/inventory';
import { type Io, toJson } from '../usage';
import { withTransport } from './device-common';

interface ReadcapArgs {
  address: string;
  json: boolean;
}

export function readcapVerb(io: Io): CommandModule {
  const verb: CommandModule<object, ReadcapArgs> = {
    command: 'readcap <address>',
    describe: 'READ CAPACITY(16) (or (10)) of a block device',
    builder: (y: Argv<object>): Argv<ReadcapArgs> =>
      y
        .positional('address', {
          type: 'string',
          demandOption: true,
          describe: 'iscsi://host[:port]/iqn/lun or /dev/sgN',
        })
        .option('json', { type: 'boolean', default: false, describe: 'print JSON' }),
    handler: async (argv) => {
      const cap = await withTransport(argv.address, (t) => readCapacity(t));
      if (argv.json) {
        io.out(toJson(cap));
        return;
      }
      io.out(`blocks: ${cap.blocks}`);
      io.out(`block length: ${cap.blockLength}`);
      io.out(`capacity: ${cap.bytes} bytes (${(Number(cap.bytes) / 1048576).toFixed(1)} MiB)`);
      if (cap.lbpme !== undefined)
        io.out(`thin provisioning (LBPME): ${cap.lbpme}, reads zeros (LBPRZ): ${cap.lbprz}`);
      io.out(`via: ${cap.via}`);
    },
  };
  return verb as CommandModule;
}
