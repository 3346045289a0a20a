import { execFile, execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../support/project-root.js";

const run = promisify(execFile);

/**
 * A checkout somewhere else: the repository's files (tracked and untracked, not ignored) copied with their
 * timestamps (so the prebuilt Lambda bundles stay fresh when they are), `dist/` when it exists, and a
 * `node_modules` of links to the real packages (its own `.cache`, so two copies never share the app bundle).
 */
function checkoutCopy(parent: string, name: string): string {
  const root = join(parent, name);
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: projectRoot, encoding: "utf8" }).split("\0").filter(Boolean);
  for (const file of files) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    try {
      cpSync(join(projectRoot, file), join(root, file), { preserveTimestamps: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error; // deleted in the work tree, not yet committed
    }
  }
  try {
    cpSync(join(projectRoot, "dist"), join(root, "dist"), { recursive: true, preserveTimestamps: true });
  } catch {
    // A clean clone has no dist/: each copy builds its bundles on demand, which the comparison covers too.
  }
  mkdirSync(join(root, "node_modules"));
  for (const entry of readdirSync(join(projectRoot, "node_modules"))) {
    if (entry !== ".cache") symlinkSync(join(projectRoot, "node_modules", entry), join(root, "node_modules", entry));
  }
  return root;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

/** Every text the synthesized output holds: its files, and each file inside each Lambda zip. */
function texts(outdir: string): Array<{ name: string; text: string }> {
  return filesUnder(outdir).flatMap((file) => {
    const bytes = readFileSync(join(outdir, file));
    if (!file.endsWith(".zip")) return [{ name: file, text: bytes.toString("utf8") }];
    return Object.entries(unzipSync(bytes)).map(([entry, content]) => ({ name: `${file}!${entry}`, text: Buffer.from(content).toString("utf8") }));
  });
}

describe("synth output is byte-identical across checkouts", () => {
  let parent: string;
  let a: string;
  let b: string;
  beforeAll(async () => {
    parent = mkdtempSync(join(tmpdir(), "kit-checkouts-"));
    a = checkoutCopy(parent, "first");
    b = checkoutCopy(parent, "second-clone-elsewhere");
    const synth = (root: string, env: Record<string, string>) =>
      run(process.execPath, ["--import", "tsx", "scripts/synth.ts", "--outdir", "cdktf.out"], { cwd: root, env: { ...process.env, ...env } });
    // Sequential: the two copies share the real node_modules; and different machines' settings for the second.
    await synth(a, { AWS_REGION: "us-east-1" });
    await synth(b, { AWS_REGION: "ap-southeast-2", AWS_DEFAULT_REGION: "eu-central-1", AWS_PROFILE: "someone-else" });
  }, 240_000);
  afterAll(() => parent && rmSync(parent, { recursive: true, force: true }));

  it("writes the same files, with the same bytes, in both (every cdk.tf.json, manifest and Lambda zip)", () => {
    const outA = join(a, "cdktf.out");
    const outB = join(b, "cdktf.out");
    expect(filesUnder(outA)).toEqual(filesUnder(outB));
    expect(filesUnder(outA).filter((f) => f.endsWith("cdk.tf.json"))).toHaveLength(11);
    for (const file of filesUnder(outA)) expect(readFileSync(join(outA, file)).equals(readFileSync(join(outB, file))), file).toBe(true);
  });

  it("holds no absolute path of the checkout, the machine or the original repository", () => {
    const forbidden = [a, b, parent, projectRoot.replace(/\/$/, ""), tmpdir(), homedir()];
    for (const { name, text } of texts(join(b, "cdktf.out"))) {
      for (const path of forbidden) expect(text.includes(path), `${name} contains ${path}`).toBe(false);
    }
  });

  it("declares every backend explicitly: no stack gets cdktn's default local backend (an absolute path)", () => {
    for (const file of filesUnder(join(a, "cdktf.out")).filter((f) => f.endsWith("cdk.tf.json"))) {
      const tf = JSON.parse(readFileSync(join(a, "cdktf.out", file), "utf8")) as { terraform: { backend: Record<string, { path?: string }> } };
      const [kind] = Object.keys(tf.terraform.backend);
      expect(["s3", "local"]).toContain(kind);
      if (kind === "local") expect(tf.terraform.backend.local!.path).not.toMatch(/^\//);
    }
  });
});
