// The cdktf app (cdktf.json "app"): `cdktn synth` runs this file; `npm run synth` runs it in-process with timing.
import { buildApp } from "./app.js";

buildApp().synth();
