// Every xcopyctl verb. Each verb is one module exporting a yargs CommandModule factory.
import type { CommandModule } from 'yargs';
import type { Io } from '../usage';

export type VerbFactory = (io: Io) => CommandModule;

export const VERBS: VerbFactory[] = [];
