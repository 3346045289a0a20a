/** The generated parts of the docs are what `npm run docs` writes: a README that drifted from the code fails here. */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../support/project-root.js";

describe("npm run docs -- --check", () => {
  it("finds every generated table (environment variables, module inputs, Terraform outputs) up to date", () => {
    const tsx = join(projectRoot, "node_modules", "tsx", "dist", "cli.mjs");
    const run = () => execFileSync(process.execPath, [tsx, "scripts/docs.ts", "--check"], { cwd: projectRoot, encoding: "utf8", stdio: "pipe" });
    expect(run).not.toThrow();
  });
});
