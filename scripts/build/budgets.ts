/**
 * Init budgets (KB, 1 KB = 1,024 bytes) for functions that may exceed the 400 KB default. A budget applies to the
 * bytes every cold start parses: the entry file and the chunks it imports statically, not the lazy chunks behind a
 * dynamic `import()`. Bundle size drives cold start (design.md: ~1 KB → 171 ms init, 1 MB → 197 ms, 8 MB → 391 ms):
 * raise a budget only with the reason in a comment next to it, after checking the build table's top packages.
 */
export const FUNCTION_BUDGETS_KB: Readonly<Record<string, number>> = {};
