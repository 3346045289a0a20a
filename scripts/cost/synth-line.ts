/** The cost and capacity summary `npm run synth` prints after each stack's resource count. */
import { estimateStack } from "./estimate.js";
import type { PriceSource } from "./estimate.js";
import { stackSummary } from "./report.js";
import { parseStack } from "./synth-output.js";

/**
 * `$1,075.78/month ($428.96 fixed + $646.82 usage; $276.82 at unconfirmed prices †), capacity ok` — or why the stack
 * could not be priced.
 */
export function synthCostLine(name: string, json: unknown, prices: PriceSource): string {
  try {
    return stackSummary(estimateStack(parseStack(name, json), prices));
  } catch (error) {
    return `cost unknown: ${(error as Error).message}`;
  }
}
