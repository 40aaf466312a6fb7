// Benchmark suites by name.
import { iscsiSuite } from './iscsi';
import { moverSuite } from './mover';

export type Print = (line: string) => void;

export interface Suite {
  description: string;
  run(print: Print): Promise<void>;
}

export const SUITES: Record<string, Suite> = {
  iscsi: iscsiSuite,
  mover: moverSuite,
};
