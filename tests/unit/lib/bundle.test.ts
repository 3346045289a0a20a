import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { build } from "esbuild";
import type { BuildOptions } from "esbuild";

const entry = fileURLToPath(new URL("./fixtures/kit-handler.ts", import.meta.url));
const options: BuildOptions = { entryPoints: [entry], bundle: true, minify: true, format: "esm", platform: "node", target: "node22", write: false, logLevel: "silent" };

/** What a handler on the kit bundles to (esbuild, minified ESM, node22 — the Lambda build's settings). */
describe("bundle of a handler on the runtime kit", () => {
  it("leaves out what the handler does not use: the Athena client, Powertools Metrics", async () => {
    const { outputFiles } = await build(options);
    const text = outputFiles![0]!.text;
    expect(text).toContain("BatchGetItem");
    expect(text).not.toContain("AthenaClient");
    expect(text).not.toContain("StartQueryExecution");
    expect(text).not.toContain("POWERTOOLS_METRICS_NAMESPACE");
  });

  it("with code splitting, loads the Secrets Manager client only when REDIS_AUTH_SECRET_ARN needs it, and stays under 400 KB at init", async () => {
    const { outputFiles } = await build({ ...options, splitting: true, outdir: "/virtual-out" });
    const main = outputFiles!.find((f) => f.path.endsWith("kit-handler.js"))!;
    expect(main.text).not.toContain("GetSecretValue");
    expect(outputFiles!.some((f) => f.text.includes("GetSecretValue"))).toBe(true);
    expect(main.contents.length).toBeLessThan(400_000);
  });
});
