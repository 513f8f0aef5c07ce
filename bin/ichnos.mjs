#!/usr/bin/env node
// The ichnos command, as launched by bin/ichnos (which picks the node flags). Runs the compiled
// build in dist/ (`npm run build`) when it is at least as new as src/, else the TypeScript
// sources through tsx's loader (no build step needed).
import { distIsFresh } from './dist.mjs';

let main;
if (distIsFresh()) {
  ({ main } = await import('../dist/cli/main.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
