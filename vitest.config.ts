import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/support/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Synth tests load provider bindings; forks keep each file's module graph isolated and memory bounded.
    pool: "forks",
  },
});
