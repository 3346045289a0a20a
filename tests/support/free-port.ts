export { freePort } from "../../scripts/support/free-port.js";
