import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

export interface HandlerEntry {
  readonly name: string;
  /** Absolute path of `functions/<name>/handler.ts`. */
  readonly entry: string;
}

/** Folders of `functions/` that are shared code, not functions. */
const NOT_FUNCTIONS = new Set(["lib"]);

/** Every `functions/<name>/handler.ts`, sorted by name (so reports and builds are in a stable order). */
export function discoverHandlers(functionsDir: string): HandlerEntry[] {
  if (!existsSync(functionsDir)) return [];
  return readdirSync(functionsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !NOT_FUNCTIONS.has(d.name))
    .map((d) => ({ name: d.name, entry: join(functionsDir, d.name, "handler.ts") }))
    .filter((h) => existsSync(h.entry))
    .sort((a, b) => a.name.localeCompare(b.name));
}
