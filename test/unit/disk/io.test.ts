import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { readFully, writeFully } from '../../../emulator/disk/io';
import { makeTempDir, removeTempDir } from './helpers';

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir();
});
afterAll(async () => {
  await removeTempDir(dir);
});

describe('positional I/O helpers', () => {
  it('writes several buffers (skipping empty ones) and reads past the end as zeros', async () => {
    const fh = await fsp.open(path.join(dir, 'io.bin'), 'w+');
    try {
      await writeFully(fh, [Buffer.from('ab'), Buffer.alloc(0), Buffer.from('cde')], 3);
      const out = Buffer.alloc(12, 0xee);
      await readFully(fh, out, 1, 10, 0);
      expect([...out]).toEqual([0xee, 0, 0, 0, 0x61, 0x62, 0x63, 0x64, 0x65, 0, 0, 0xee]);
    } finally {
      await fh.close();
    }
  });
});
