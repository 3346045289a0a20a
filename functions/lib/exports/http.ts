/** `aws-data-access-kit/runtime/http`: API Gateway proxy responses: JSON bodies and the error-to-status rules. */
export { badRequestRule, BadRequestError, errorResponder, errorRule, JSON_CONTENT_TYPE, jsonResponse } from "../http.js";
export type { ErrorRule, Problem } from "../http.js";
