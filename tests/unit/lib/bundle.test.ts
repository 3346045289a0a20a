import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { build } from "esbuild";
import type { BuildOptions, Metafile, OutputFile } from "esbuild";
// The same init-closure rule the Lambda build's budget uses.
import { importClosure } from "../../../modules/nodejs-bundle/sizes.js";

const entry = fileURLToPath(new URL("./fixtures/kit-handler.ts", import.meta.url));
/** The Lambda build's settings (minified ESM for node22); module-first fields pick the SDK's ESM builds. */
const options: BuildOptions = {
  entryPoints: [entry],
  bundle: true,
  minify: true,
  format: "esm",
  platform: "node",
  target: "node22",
  mainFields: ["module", "main"],
  write: false,
  metafile: true,
  logLevel: "silent",
};

/** The files Node loads at init: the entry chunk and every chunk it imports statically (not the import() ones). */
function initClosure(metafile: Metafile, files: OutputFile[]): { bytes: number; text: string } {
  const entryOutput = Object.keys(metafile.outputs).find((k) => k.endsWith("kit-handler.js"))!;
  const init = importClosure(metafile, entryOutput, ["import-statement"]);
  const chunks = files.filter((f) => [...init].some((k) => f.path.endsWith(`/${k.split("/").pop()}`)));
  return { bytes: chunks.reduce((sum, f) => sum + f.contents.length, 0), text: chunks.map((f) => f.text).join("\n") };
}

/** What a handler on the kit (imported through the barrel) bundles to. */
describe("bundle of a handler on the runtime kit", () => {
  it("leaves out what the handler does not use: the Athena client", async () => {
    const { outputFiles } = await build(options);
    const text = outputFiles![0]!.text;
    expect(text).toContain("BatchGetItem");
    expect(text).not.toContain("AthenaClient");
    expect(text).not.toContain("StartQueryExecution");
  });

  it("with code splitting, loads ioredis, Secrets Manager and the IAM token signer only when Redis is configured, and stays under 400 KB at init", async () => {
    const { outputFiles, metafile } = await build({ ...options, splitting: true, outdir: "/virtual-out" });
    const init = initClosure(metafile!, outputFiles!);
    const all = outputFiles!.map((f) => f.text).join("\n");
    expect(init.text).toContain("BatchGetItem");
    for (const lazyOnly of ["enableAutoPipelining" /* ioredis */, "GetSecretValue" /* Secrets Manager */, '"elasticache"' /* the IAM token signer's service */, "Redis IAM token refresh failed" /* the auth session */]) {
      expect(all).toContain(lazyOnly);
      expect(init.text).not.toContain(lazyOnly);
    }
    expect(init.bytes).toBeLessThan(400_000);
  });
});
