import { describe, expect, it } from "vitest";
import { Testing } from "cdktn";
import { appStackIds, buildApp } from "../../../stacks/app.js";
import { ENVIRONMENTS } from "../../../stacks/config.js";
import { projectRoot } from "../../support/project-root.js";
import { resourcesOf } from "../../support/synth.js";
import type { SynthesizedStack } from "../../support/synth.js";

/**
 * Every per-route override of every stack, read back from the synthesized JSON: its `method_path` must be the key
 * AWS files that method's settings under — the resource path with every `/` escaped as `~1` (the leading one
 * too), then `/<METHOD>` — of a method the same stack declares. Any other spelling is accepted by UpdateStage as
 * a new, orphan setting that applies to no method and is never read back, so the plan shows a diff forever
 * (https://github.com/hashicorp/terraform-provider-aws/issues/9738).
 */
const app = buildApp({ outdir: Testing.app().outdir, projectRoot });
const stackIds = ENVIRONMENTS.flatMap((env) => appStackIds().byEnvironment[env]);

/** `~1a~1b/GET` for each declared method, rebuilt from the resources' `path_part` and `parent_id` chain. */
function declaredMethodKeys(json: SynthesizedStack): Set<string> {
  const resources = resourcesOf(json, "aws_api_gateway_resource");
  const pathOf = (name: string): string => {
    const r = resources[name]!;
    const parent = /^\$\{aws_api_gateway_resource\.([^.]+)\.id\}$/.exec(String(r.parent_id));
    return `${parent ? pathOf(parent[1]!) : ""}/${String(r.path_part)}`;
  };
  const keys = new Set<string>();
  for (const m of Object.values(resourcesOf(json, "aws_api_gateway_method"))) {
    const ref = /^\$\{aws_api_gateway_resource\.([^.]+)\.id\}$/.exec(String(m.resource_id));
    const path = ref ? pathOf(ref[1]!) : "/";
    keys.add(`${path.split("/").join("~1")}/${String(m.http_method)}`);
  }
  return keys;
}

describe("per-route method settings are keyed as AWS keys them", () => {
  const overrides: Array<[string, string, Record<string, unknown>]> = [];
  for (const id of stackIds) {
    const json = JSON.parse(Testing.synth(app.node.findChild(id) as Parameters<typeof Testing.synth>[0])) as SynthesizedStack;
    const declared = declaredMethodKeys(json);
    for (const s of Object.values(resourcesOf(json, "aws_api_gateway_method_settings"))) {
      if (s.method_path === "*/*") continue;
      overrides.push([id, String(s.method_path), { declared: declared.has(String(s.method_path)), escapedLeadingSlash: String(s.method_path).startsWith("~1") }]);
    }
  }

  it("the stacks have per-route overrides to check (the analytics poll route where a stage cache exists, at least)", () => {
    expect(overrides.map(([id, path]) => `${id} ${path}`)).toEqual(
      expect.arrayContaining(["staging", "prod"].map((env) => `analytics-${env} ~1analytics~1executions~1{id}/GET`)),
    );
  });

  it.each(overrides)("%s: %s names a declared method, leading slash escaped", (_id, _path, found) => {
    expect(found).toEqual({ declared: true, escapedLeadingSlash: true });
  });
});
