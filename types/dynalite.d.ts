// dynalite ships no type declarations; this covers the part the project uses.
declare module "dynalite" {
  import type { Server } from "node:http";
  interface DynaliteOptions {
    /** Folder for a persistent LevelDB store; omitted = in memory. */
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
    ssl?: boolean;
  }
  function dynalite(options?: DynaliteOptions): Server;
  export default dynalite;
}
