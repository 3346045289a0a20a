import { fileURLToPath } from "node:url";

/** The repository root (where package.json, functions/ and dist/ are), for code that takes it explicitly. */
export const projectRoot = fileURLToPath(new URL("../../", import.meta.url));
