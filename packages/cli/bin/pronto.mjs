#!/usr/bin/env node
// `npx pronto`: the CLI is TypeScript run through tsx, like the repository's other scripts, so there is nothing to build.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
