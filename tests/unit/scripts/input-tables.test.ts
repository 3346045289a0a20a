/** The README input tables are what the props' TSDoc says: rows, defaults, nested interfaces, and a missing @default is reported. */
import { mkdirSync, mkdtempSync, readdirSync, existsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { INPUT_TABLES, inputDocs, withInputTable } from "../../../scripts/docs/input-tables.js";
import { projectRoot } from "../../support/project-root.js";

function fixture(props: string): string {
  const root = mkdtempSync(join(tmpdir(), "input-tables-"));
  mkdirSync(join(root, "modules", "thing"), { recursive: true });
  writeFileSync(join(root, "modules", "thing", "props.ts"), props);
  return root;
}
const table = { module: "thing", file: "modules/thing/README.md", props: "modules/thing/props.ts", root: "ThingProps" };

describe("input tables", () => {
  it("have a row per prop with its description, type as written, default and whether it is required", () => {
    const root = fixture(`
      export const SIZES = ["s", "m"] as const;
      export type Size = (typeof SIZES)[number];
      /** Settings of one part. */
      export interface PartProps {
        /** Part name. */
        readonly name: string;
        /** @default "s" */
        readonly size?: Size;
      }
      export interface ThingProps {
        /** 1–10 characters. */
        readonly id: string;
        /** Turns it on. @default true */
        readonly enabled?: boolean;
        /** @default no parts (see {@link PartProps}) */
        readonly parts?: readonly PartProps[];
      }`);
    const docs = inputDocs(root, [table]).get("thing")!;
    expect(docs.problems).toEqual([]);
    expect(docs.count).toBe(5);
    expect(docs.markdown).toContain("| `id` | 1–10 characters. | `string` | — | yes |");
    expect(docs.markdown).toContain("| `enabled` | Turns it on. | `boolean` | `true` | no |");
    expect(docs.markdown).toContain("| `parts` |  | `readonly PartProps[]` | no parts (see `PartProps`) | no |");
    expect(docs.markdown).toContain("### `PartProps`\n\nSettings of one part.");
    expect(docs.markdown).toContain('| `size` |  | `Size` | `"s"` | no |');
    expect(docs.markdown).toContain('| `Size` | `"s" \\| "m"` |  |');
  });

  it("report an optional prop without @default, naming the file, interface and prop", () => {
    const root = fixture(`
      interface Base { /** Inherited, undocumented default. */ readonly region?: string }
      export interface ThingProps extends Base { readonly id: string; /** Says nothing of a default. */ readonly label?: string }`);
    const docs = inputDocs(root, [table]).get("thing")!;
    expect(docs.problems).toEqual([
      "modules/thing/props.ts: ThingProps.label is optional but has no @default",
      "modules/thing/props.ts: ThingProps.region is optional but has no @default",
    ]);
  });

  it("replace the block between the markers, so a hand edit there is what the check sees as stale", () => {
    const readme = "# x\n\n## Inputs\n\n<!-- inputs -->\n| hand | edited |\n<!-- /inputs -->\n\n## Outputs\n";
    expect(withInputTable(readme, "NEW")).toBe("# x\n\n## Inputs\n\n<!-- inputs -->\nNEW\n<!-- /inputs -->\n\n## Outputs\n");
    expect(withInputTable("# x\n## Inputs\nprose\n", "NEW")).toBe("# x\n## Inputs\n\n<!-- inputs -->\nNEW\n<!-- /inputs -->\nprose\n");
    expect(() => withInputTable("# x\n", "NEW")).toThrow(/no "## Inputs" section/);
  });

  it("cover every module with a props.ts", () => {
    const modules = readdirSync(join(projectRoot, "modules")).filter((m) => existsSync(join(projectRoot, "modules", m, "props.ts")));
    expect(INPUT_TABLES.map((t) => t.module).sort()).toEqual(modules.sort());
  });

  it("find every optional prop of the kit's modules documented with a @default", () => {
    const all = [...inputDocs(projectRoot).values()];
    expect(all.flatMap((d) => d.problems)).toEqual([]);
    expect(all.reduce((n, d) => n + d.count, 0)).toBeGreaterThan(0);
  });
});
