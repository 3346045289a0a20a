/**
 * Resource paths of a REST API (`/forecast/{cityId}`) and the names API Gateway derives from them.
 * Pure functions, so the odd escaping rules are tested on their own.
 */

export interface PathSegment {
  /** The literal `path_part` API Gateway stores: `forecast`, `{cityId}`, `{proxy+}`. */
  readonly part: string;
  /** Parameter name for `{name}` / `{name+}` segments. */
  readonly param?: string;
  readonly greedy?: boolean;
}

const LITERAL = /^[A-Za-z0-9._~-]+$/;
const PARAM = /^\{([A-Za-z_][A-Za-z0-9_]*)(\+?)\}$/;

/** Parses `/a/{b}` into segments; returns undefined when the path is not a valid resource path. */
export function parsePath(path: string): PathSegment[] | undefined {
  if (typeof path !== "string" || !path.startsWith("/") || path.length < 2 || path.endsWith("/")) return undefined;
  const segments: PathSegment[] = [];
  for (const part of path.slice(1).split("/")) {
    const param = PARAM.exec(part);
    if (param) segments.push({ part, param: param[1], greedy: param[2] === "+" });
    else if (LITERAL.test(part)) segments.push({ part });
    else return undefined;
  }
  // A greedy parameter swallows the rest of the path: nothing may follow it.
  if (segments.slice(0, -1).some((s) => s.greedy)) return undefined;
  return segments;
}

/** Path parameter names of a route, in order. */
export function pathParams(path: string): string[] {
  return (parsePath(path) ?? []).flatMap((s) => (s.param ? [s.param] : []));
}

/**
 * The `method_path` of `aws_api_gateway_method_settings` for one route: the whole resource path with every `/`
 * escaped as `~1` (the leading one too), then `/` and the HTTP method: `/analytics/executions/{id}` GET →
 * `~1analytics~1executions~1{id}/GET`. That is the key AWS files the stage's method settings under and reports in
 * `GetStage` (`methodSettings`); the provider passes `method_path` to `UpdateStage` as the patch path
 * `/<method_path>/caching/enabled` untouched and reads the setting back by this exact key, so any other spelling
 * configures a setting that never applies and shows a diff on every plan
 * (https://github.com/hashicorp/terraform-provider-aws/issues/9738: `get-stage` returns
 * `~1some~1api~1endpoint/POST`, and Terraform needs exactly that; the provider's `method_settings.go` reads
 * `stage.MethodSettings[methodPath]`).
 */
export function methodSettingsPath(path: string, method: string): string {
  return `${path.split("/").join("~1")}/${method}`;
}

/**
 * The part of an execute-api ARN after `<stage>/` for one route: `GET/forecast`, `GET/forecast/*`.
 * Invoke permissions match it as a pattern, so every path parameter becomes `*`.
 */
export function executeApiRoute(path: string, method: string): string {
  const segments = (parsePath(path) ?? []).map((s) => (s.param ? "*" : s.part));
  return `${method}/${segments.join("/")}`;
}

/** Every prefix of a path, shortest first: `/a/{b}` → `/a`, `/a/{b}`; the resources it needs. */
export function pathPrefixes(path: string): string[] {
  const parts = path.slice(1).split("/");
  return parts.map((_, i) => `/${parts.slice(0, i + 1).join("/")}`);
}
