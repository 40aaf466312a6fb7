'use strict';
// Offline build of the addon with the node-gyp that ships inside npm. node-gyp would otherwise try
// to download Node's headers; when they are installed next to the running node (as on Debian and
// the official tarballs) we point it there with --nodedir.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const prefix = path.dirname(path.dirname(process.execPath));
const args = ['rebuild'];
if (!process.env.npm_config_nodedir && fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) {
  args.push(`--nodedir=${prefix}`);
}

let gyp = process.env.npm_config_node_gyp;
if (!gyp || !fs.existsSync(gyp)) {
  // npm's bundled copy, found relative to the npm that runs us or to node.
  const candidates = [
    process.env.npm_execpath &&
      path.join(
        path.dirname(process.env.npm_execpath),
        '..',
        'node_modules',
        'node-gyp',
        'bin',
        'node-gyp.js',
      ),
    path.join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ].filter(Boolean);
  gyp = candidates.find((c) => fs.existsSync(c));
}
if (!gyp) {
  console.error('node-scsi-passthrough-shim: cannot find node-gyp (it ships with npm)');
  process.exit(1);
}
const r = spawnSync(process.execPath, [gyp, ...args], { stdio: 'inherit', cwd: __dirname });
process.exit(r.status === null ? 1 : r.status);
