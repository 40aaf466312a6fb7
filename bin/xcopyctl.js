#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI is written in TypeScript and compiled to dist/ by `npm ci` (prepare).
require('../dist/bin/cli.js').run();
