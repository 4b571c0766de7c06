#!/usr/bin/env node
import '../dist/cli/mcp-prod.js';
