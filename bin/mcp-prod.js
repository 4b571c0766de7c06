#!/usr/bin/env node
import module from 'node:module';

// Node 22+ keeps the compiled code of the CLI's dependencies (TypeScript alone is 9 MB of JavaScript)
// between runs; NODE_DISABLE_COMPILE_CACHE=1 turns it off. Node 20 has no such cache.
module.enableCompileCache?.();
await import('../dist/cli/mcp-prod.js');
