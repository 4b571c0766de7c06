#!/usr/bin/env node
import module from 'node:module';

// As in mcp-prod.js: compiled code kept between runs on Node 22+.
module.enableCompileCache?.();
await import('../dist/cli/create.js');
