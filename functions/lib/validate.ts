/**
 * Validation of options passed in code (cache, batch and strategy options): the kit's one problem-collecting
 * validator (modules/core/validation.ts, dependency-free), throwing an {@link OptionsError} that lists every
 * problem, each naming the field, the value and the range. The only runtime file allowed to import from modules/.
 */
import { OptionsError, Problems } from "../../modules/core/validation.js";

export { OptionsError, Problems, ValidationError } from "../../modules/core/validation.js";

/** Problems with a runtime subject's options; `throwIfAny()` throws an {@link OptionsError}. */
export class OptionProblems extends Problems {
  constructor(subject: string) {
    super(subject, (s, problems) => new OptionsError(s, problems));
  }
}
