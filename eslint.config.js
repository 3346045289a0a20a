// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "cdktf.out/", "dist/", "coverage/", "bench/results/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "@cdktn/provider-aws", message: "Import provider classes by deep path (@cdktn/provider-aws/lib/<resource>/index.js): the root import loads 2,400 modules." },
            { name: "@cdktf/provider-aws", message: "Use @cdktn/provider-aws (the maintained continuation), by deep path." },
            { name: "cdktf", message: "Use cdktn, the maintained continuation of cdktf." },
          ],
        },
      ],
    },
  },
  {
    files: ["functions/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["cdktn", "cdktn/*", "@cdktn/*", "constructs", "**/modules/**", "**/stacks/**"], message: "Lambda runtime code must not import infrastructure code." }] },
      ],
    },
  },
  {
    // The one exception: the runtime's validator is the modules' dependency-free one (modules/core/validation.ts).
    files: ["functions/lib/validate.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["cdktn", "cdktn/*", "@cdktn/*", "constructs", "**/stacks/**"], message: "Lambda runtime code must not import infrastructure code." }] },
      ],
    },
  },
  {
    files: ["modules/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [{ name: "@cdktn/provider-aws", message: "Import provider classes by deep path." }],
          patterns: [{ group: ["**/stacks/**"], message: "Modules are reusable: they never import a stack." }],
        },
      ],
    },
  },
);
