export { DynaliteServer } from "../../scripts/support/dynalite.js";
