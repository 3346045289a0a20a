// Writes every kit module as a plain Terraform module folder (main.tf.json with variable and output blocks, no
// provider or backend, and a README), for teams that write Terraform/OpenTofu by hand: examples/terraform/ calls one.
// Usage: npx tsx scripts/export-tf.ts [--outdir dist/terraform-modules] [--only <module>]...
import { relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { exportModule } from "./terraform/export-module.js";
import { EXPORT_SPECS } from "./terraform/export-specs.js";

const { values } = parseArgs({ options: { outdir: { type: "string", default: "dist/terraform-modules" }, only: { type: "string", multiple: true } } });
const outDir = resolve(values.outdir!);
const unknown = (values.only ?? []).filter((name) => !EXPORT_SPECS.some((s) => s.name === name));
if (unknown.length) {
  console.error(`export:tf: no module ${unknown.join(", ")}; the modules are ${EXPORT_SPECS.map((s) => s.name).join(", ")}`);
  process.exit(2);
}
for (const spec of EXPORT_SPECS.filter((s) => !values.only || values.only.includes(s.name))) {
  const m = exportModule(spec, outDir);
  const providers = Object.entries(m.providers).map(([name, p]) => `${name} ${p.version}`).join(", ");
  console.log(`${m.name.padEnd(18)} ${String(m.variables.length).padStart(2)} variables  ${String(m.outputs.length).padStart(2)} outputs  ${providers.padEnd(28)} ${relative(process.cwd(), m.dir)}/main.tf.json`);
}
