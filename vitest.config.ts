import { defineConfig } from "vitest/config";
import { lowerDecorators } from "./tests/support/lower-decorators.js";

export default defineConfig({
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
