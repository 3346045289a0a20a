// The app from its TypeScript sources: `npx tsx stacks/main.ts` synthesizes every stack into CDKTF_OUTDIR (set by
// the cdktn CLI) or cdktf.out. cdktf.json runs scripts/synth.ts instead, which synthesizes the same app from a
// CommonJS bundle of stacks/app.ts, several times faster to load.
import { fileURLToPath } from "node:url";
import { buildApp } from "./app.js";

buildApp({ projectRoot: fileURLToPath(new URL("..", import.meta.url)) }).synth();
