export { DynaliteServer } from "../../scripts/local/dynalite-server.js";
