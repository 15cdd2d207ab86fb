#!/usr/bin/env node
// The built CLI (dist/, made by `npm run build`, run by `prepare` and `prepack`). In a checkout without a
// build, the TypeScript sources run through tsx instead (slower to start; `npm run cli -- ...` does the same).
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/ecr-keeper.mjs', import.meta.url);
if (existsSync(bundle)) {
  await import(bundle.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/entry.ts');
}
