// Every xcopyctl verb. Each verb is one module exporting a yargs CommandModule factory.
import type { CommandModule } from 'yargs';
import { cdbVerb } from './cdb';
import { senseVerb } from './sense';
import { xcopyDecodeVerb } from './xcopy-decode';
import { sanVerb } from './san';
import { inquiryVerb } from './inquiry';
import { readcapVerb } from './readcap';
import { discoverVerb, iscsiVerb } from './discover';
import { conformanceVerb } from './conformance';
import { tapeVerb } from './tape';
import { changerVerb } from './changer';
import { moverVerb } from './mover';
import { xcopyVerb } from './xcopy';
import type { Io } from '../usage';

export type VerbFactory = (io: Io) => CommandModule;

export const VERBS: VerbFactory[] = [
  senseVerb,
  cdbVerb,
  xcopyDecodeVerb,
  sanVerb,
  inquiryVerb,
  readcapVerb,
  discoverVerb,
  iscsiVerb,
  conformanceVerb,
  tapeVerb,
  changerVerb,
  moverVerb,
  xcopyVerb,
];
