/** `aws-data-access-kit/runtime/deadline`: the invocation deadline: the time left, shared by every call an invocation makes. */
export { Deadline, DeadlineExceededError } from "../deadline.js";
export type { InvocationDeadlinePolicy, RemainingTime } from "../deadline.js";
