// `npm run plan -- <stack> [cdktn diff options]`: Terraform plan of one stack through the CDK Terrain CLI (cdktn
// diff), after checking the Node.js version the CLI needs (≥ 22.19; the app itself synthesizes on 20).
import { runCdktn } from "./cdktn/main.js";

await runCdktn("diff", "plan", process.argv.slice(2));
