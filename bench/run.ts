// `npm run bench [-- SUITE...]`: throughput benchmarks that print ratios against a baseline measured
// in the same process run. Benchmarks are never unit tests: they report, they do not assert.
import { SUITES } from './suites';

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length > 0 ? wanted : Object.keys(SUITES);
  for (const name of names) {
    const suite = SUITES[name];
    if (!suite) {
      process.stderr.write(`bench: unknown suite "${name}" (have: ${Object.keys(SUITES).join(', ')})\n`);
      process.exitCode = 2;
      return;
    }
    process.stdout.write(`== ${name}: ${suite.description}\n`);
    await suite.run((line) => process.stdout.write(line + '\n'));
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
