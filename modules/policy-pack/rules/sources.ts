/** Where each rule comes from: checkov's check source, by file, and its policy index. */
const CHECKS = "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks";

/** checkov's index of Terraform checks (id, resource type, name). */
export const CHECKOV_INDEX = "https://www.checkov.io/5.Policy%20Index/terraform.html";

/** A checkov resource check: `checkov/terraform/checks/resource/aws/<file>.py`. */
export const resourceCheck = (file: string): string => `${CHECKS}/resource/aws/${file}.py`;

/** A checkov graph check (relations between resources): `checkov/terraform/checks/graph_checks/aws/<file>.yaml`. */
export const graphCheck = (file: string): string => `${CHECKS}/graph_checks/aws/${file}.yaml`;
