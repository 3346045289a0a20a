import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { lowerDecorators } from "./tests/support/lower-decorators.js";

/** The package's own name resolves to the sources here (tsconfig.json "paths"); a consumer gets dist/ via "exports". */
const self = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^aws-data-access-kit\/modules\/([a-z-]+)$/, replacement: self("./modules/$1/index.ts") },
      { find: /^aws-data-access-kit\/runtime$/, replacement: self("./functions/lib/index.ts") },
      { find: /^aws-data-access-kit\/runtime\/([a-z-]+)$/, replacement: self("./functions/lib/exports/$1.ts") },
    ],
  },
  // TC39 decorators (functions/lib/cache/cached.ts) need lowering that Vite 8's Oxc transform lacks.
  plugins: [lowerDecorators()],
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/support/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Synth tests load provider bindings; forks keep each file's module graph isolated and memory bounded.
    pool: "forks",
  },
});
