// `npm run deploy -- <stack> [cdktn deploy options, e.g. --auto-approve]`: Terraform apply of one stack through the
// CDK Terrain CLI (cdktn deploy), after checking the Node.js version the CLI needs (≥ 22.19).
import { runCdktn } from "./cdktn/main.js";

await runCdktn("deploy", "deploy", process.argv.slice(2));
