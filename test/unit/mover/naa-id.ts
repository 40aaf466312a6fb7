// The NAA designator a test stream LU named `name` answers with (same derivation as emulated LUs).
import { naaFromId } from '../../../emulator/devices/identity';

export default function naaId(name: string): Buffer {
  return naaFromId(`stream:${name}`);
}
