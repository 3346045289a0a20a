import { describe, expect, it } from "vitest";
import { Testing } from "cdktn";
import { buildApp } from "../../../stacks/app.js";
import { ENVIRONMENTS } from "../../../stacks/config.js";
import { projectRoot } from "../../support/project-root.js";
import { addresses } from "../../support/synth.js";
import type { SynthesizedStack } from "../../support/synth.js";

/**
 * Terraform addresses are an API: a refactor that moves a resource makes Terraform destroy and re-create it.
 * These snapshots change only when a change means to move or add resources; update them with `npx vitest -u`
 * and say why in the commit.
 */
describe("stack resource addresses are pinned", () => {
  const app = buildApp({ outdir: Testing.app().outdir, projectRoot });
  it.each(ENVIRONMENTS)("weather-forecast-%s", async (env) => {
    const stack = app.node.findChild(`weather-forecast-${env}`);
    const json = JSON.parse(Testing.synth(stack as Parameters<typeof Testing.synth>[0])) as SynthesizedStack;
    await expect(addresses(json).join("\n") + "\n").toMatchFileSnapshot(`./__addresses__/weather-forecast-${env}.txt`);
  });
  it.each(ENVIRONMENTS)("analytics-%s", async (env) => {
    const stack = app.node.findChild(`analytics-${env}`);
    const json = JSON.parse(Testing.synth(stack as Parameters<typeof Testing.synth>[0])) as SynthesizedStack;
    await expect(addresses(json).join("\n") + "\n").toMatchFileSnapshot(`./__addresses__/analytics-${env}.txt`);
  });
  it.each(ENVIRONMENTS)("conversation-memory-%s", async (env) => {
    const stack = app.node.findChild(`conversation-memory-${env}`);
    const json = JSON.parse(Testing.synth(stack as Parameters<typeof Testing.synth>[0])) as SynthesizedStack;
    await expect(addresses(json).join("\n") + "\n").toMatchFileSnapshot(`./__addresses__/conversation-memory-${env}.txt`);
  });
});
