export { freePort } from "../../scripts/local/free-port.js";
