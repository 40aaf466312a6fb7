'use strict';
// Runs inside a node started with LD_PRELOAD=<interposer>; exercises node-scsi-passthrough-shim on
// the interposed device paths and prints one JSON line of raw results for the parent test.
const { SgDevice, probe, SgError } = require('node-scsi-passthrough-shim');

const [devA, devB, devC, devD, notSg] = JSON.parse(process.argv[2]);
const hex = (b) => Buffer.from(b).toString('hex');

function scripted(dataLength, senseLength, delayMs, status) {
  const cdb = Buffer.alloc(10);
  cdb[0] = 0xc0;
  cdb.writeUInt32BE(dataLength, 2);
  cdb[6] = senseLength;
  cdb.writeUInt16BE(delayMs, 7);
  cdb[9] = status;
  return cdb;
}
function rw10(op, lba, blocks) {
  const cdb = Buffer.alloc(10);
  cdb[0] = op;
  cdb.writeUInt32BE(lba, 2);
  cdb.writeUInt16BE(blocks, 7);
  return cdb;
}
const shape = (r) => ({ ...r, sense: hex(r.sense), dataIn: hex(r.dataIn) });
async function errorOf(p) {
  try {
    await p;
    return null;
  } catch (e) {
    return {
      name: e.name,
      code: e.code,
      errno: e.errno,
      syscall: e.syscall,
      message: e.message,
      isSgError: e instanceof SgError,
    };
  }
}

(async () => {
  const out = {};
  const a = await SgDevice.open(devA);
  out.version = a.version;
  out.probe = await probe(devA);
  out.probeNotSg = await probe(notSg);
  out.inquiry = shape(await a.execute({ cdb: Buffer.from([0x12, 0, 0, 0, 96, 0]), dataInLength: 96 }));
  const payload = Buffer.alloc(4096);
  for (let i = 0; i < payload.length; i++) payload[i] = (i * 13) & 0xff;
  out.write = shape(await a.execute({ cdb: rw10(0x2a, 8, 8), dataOut: payload }));
  out.read = shape(await a.execute({ cdb: rw10(0x28, 8, 8), dataInLength: 4096 }));
  out.readMatches = Buffer.from(out.read.dataIn, 'hex').equals(payload);
  out.underrun = shape(await a.execute({ cdb: scripted(100, 0, 0, 0), dataInLength: 512 }));
  out.overrun = shape(await a.execute({ cdb: scripted(1000, 0, 0, 0), dataInLength: 512 }));
  out.longSense = shape(await a.execute({ cdb: scripted(0, 96, 0, 2), senseLength: 18 }));
  out.fullSense = shape(await a.execute({ cdb: scripted(0, 96, 0, 2), senseLength: 252 }));
  out.noData = shape(await a.execute({ cdb: Buffer.from([0, 0, 0, 0, 0, 0]) }));
  // Timeout, while the event loop keeps running.
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  out.timeout = shape(await a.execute({ cdb: scripted(16, 0, 1500, 0), dataInLength: 16, timeoutMs: 200 }));
  const slow = a.execute({ cdb: scripted(16, 0, 300, 0), dataInLength: 16, timeoutMs: 5000 });
  const ticksBefore = ticks;
  out.slow = shape(await slow);
  clearInterval(timer);
  out.ticksDuringSlow = ticks - ticksBefore;
  // Concurrency on one fd and on several.
  const devs = [a, await SgDevice.open(devB), await SgDevice.open(devC), await SgDevice.open(devD)];
  const jobs = [];
  for (let i = 0; i < 32; i++) {
    const d = i < 16 ? a : devs[i % 4];
    const len = 64 + i;
    jobs.push(
      d
        .execute({ cdb: scripted(len, 0, 20 + (i % 5) * 10, 0), dataInLength: len })
        .then((r) => ({ i, len, dev: d.path, dataIn: hex(r.dataIn), resid: r.resid, status: r.status })),
    );
  }
  out.concurrent = await Promise.all(jobs);
  // Error paths.
  out.errNoEnt = await errorOf(SgDevice.open('/nonexistent/sg99'));
  out.errNotSg = await errorOf(SgDevice.open(notSg));
  out.errDevNull = await errorOf(SgDevice.open('/dev/null'));
  await devs[1].close();
  out.errClosed = await errorOf(devs[1].execute({ cdb: Buffer.from([0, 0, 0, 0, 0, 0]) }));
  out.errBadCdb = await errorOf(a.execute({ cdb: 'nope' }));
  out.errEmptyCdb = await errorOf(a.execute({ cdb: Buffer.alloc(0) }));
  out.errBadDirection = await errorOf(
    a.execute({ cdb: Buffer.from([0, 0, 0, 0, 0, 0]), direction: 'sideways' }),
  );
  out.errDataOutMissing = await errorOf(
    a.execute({ cdb: Buffer.from([0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0]), direction: 'to-device' }),
  );
  out.errSenseTooBig = await errorOf(a.execute({ cdb: Buffer.from([0, 0, 0, 0, 0, 0]), senseLength: 300 }));
  for (const d of [a, devs[2], devs[3]]) await d.close();
  await a.close(); // closing twice is harmless
  process.stdout.write(JSON.stringify(out) + '\n');
})().catch((e) => {
  process.stderr.write(`child failed: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
