// The part of js-yaml (4.x, no bundled types) the workflow check uses.
declare module "js-yaml" {
  export function load(text: string, options?: { filename?: string }): unknown;
}
