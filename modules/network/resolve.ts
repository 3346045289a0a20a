import { Problems } from "../core/validation.js";
import type { NetworkProps } from "./props.js";
import { resolveCreate } from "./resolve/create.js";
import type { ResolvedCreateNetwork } from "./resolve/create.js";
import { resolveExisting } from "./resolve/existing.js";
import type { ResolvedExistingNetwork } from "./resolve/existing.js";

export type { ResolvedCreateNetwork } from "./resolve/create.js";
export type { ResolvedEndpoints } from "./resolve/endpoints.js";
export type { ResolvedExistingNetwork } from "./resolve/existing.js";

/** Every default applied, every value checked: the construct only reads this. */
export type ResolvedNetwork = ResolvedCreateNetwork | ResolvedExistingNetwork;

const NAME_RE = /^[a-z][a-z0-9-]{0,31}$/;

/** Validates props and applies defaults; throws one PropValidationError listing every problem. */
export function resolveNetworkProps(props: NetworkProps): ResolvedNetwork {
  const p = new Problems(`Network(${JSON.stringify(props.name)})`);
  p.pattern("name", props.name, NAME_RE, "must be 1–32 lowercase letters, digits and hyphens, starting with a letter");
  const tags = { ...(props.tags ?? {}) };
  p.tags(tags);
  let resolved: ResolvedNetwork | undefined;
  if (props.mode === "create") resolved = resolveCreate(p, props, tags);
  else if (props.mode === "existing") resolved = resolveExisting(p, props, tags);
  else p.add("mode", (props as { mode: unknown }).mode, `must be "create" or "existing"`);
  p.throwIfAny();
  return resolved!;
}
