'use strict';
// Child process of kill9.test.ts: opens a cartridge and appends deterministic objects until it is
// killed, printing the number of objects completed so far after every 10th. Object i is a filemark
// when i % 50 === 49, else a block built exactly like crashBlock() in kill9.test.ts.
const fs = require('node:fs');

const [, , modulePath, cartridgePath] = process.argv;
const { Cartridge } = require(modulePath);

function crashBlock(i) {
  const b = Buffer.alloc(4096 + ((i * 7919) % 262144), (i * 31) & 0xff);
  b.writeUInt32BE(i, 0);
  return b;
}

const c = Cartridge.open(cartridgePath);
c.spaceToEod();
for (let i = c.eod; ; i++) {
  if (i % 50 === 49) c.writeFilemarks(1, { sync: false });
  else c.writeBlock(crashBlock(i));
  if ((i + 1) % 10 === 0) fs.writeSync(1, `${i + 1}\n`);
}
