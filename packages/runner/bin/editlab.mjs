#!/usr/bin/env node
// The editlab CLI without a build step: register tsx's ESM loader, then run the TypeScript source.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
