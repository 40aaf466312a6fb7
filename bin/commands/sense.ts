// `xcopyctl sense HEX...`: decode sense data (fixed or descriptor format) and explain every field.
import type { Argv, CommandModule } from 'yargs';
import { decodeSense, describeSenseData } from '../../cdb/spc/sense';
import { type Io, parseHex, toJson } from '../usage';

interface SenseArgs {
  hex: string[];
  json: boolean;
}

export function senseVerb(io: Io): CommandModule {
  const verb: CommandModule<object, SenseArgs> = {
    command: 'sense <hex..>',
    describe: 'decode SCSI sense data given as hex bytes (spaces optional)',
    builder: (y: Argv<object>): Argv<SenseArgs> =>
      y
        .positional('hex', {
          type: 'string',
          array: true,
          demandOption: true,
          describe: 'sense bytes in hex',
        })
        .option('json', { type: 'boolean', default: false, describe: 'print the decoded structure as JSON' })
        .example('$0 sense 70 00 05 00 00 00 00 0a 00 00 00 00 26 08 00 00 00 00', 'fixed-format sense')
        .example('$0 sense 720526000000000c000a80000000000000000012', 'descriptor-format sense'),
    handler: (argv) => {
      const sense = decodeSense(parseHex(argv.hex));
      if (argv.json) io.out(toJson(sense));
      else for (const line of describeSenseData(sense)) io.out(line);
    },
  };
  // VERBS holds untyped modules; the builder above gives the handler its typed arguments.
  return verb as CommandModule;
}
