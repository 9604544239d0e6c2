// Kept equal to sdk/package.json's version by test/sdk/package.test.ts; read at build time, not at run time, so the
// SDK needs no JSON import or file access to name itself in User-Agent.
export const VERSION = '0.1.0';
