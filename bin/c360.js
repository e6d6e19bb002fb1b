#!/usr/bin/env node
// Thin entry point: the CLI lives in src/cli.ts, compiled to dist/ by `npm run build`
// (which `npm ci` runs through the `prepare` script).
import { main } from "../dist/src/cli.js";

await main(process.argv);
