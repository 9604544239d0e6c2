#!/usr/bin/env node
// Thin launcher: the compiled command line lives in dist/ (built by `pnpm build`).
import '../dist/cli.js';
