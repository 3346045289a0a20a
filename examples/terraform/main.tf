# A plain Terraform (or OpenTofu) configuration calling a module exported from the kit: no cdktn, no Node.js.
# Export first (writes dist/terraform-modules/<module>/main.tf.json):
#   npm run export:tf
# then: cd examples/terraform && terraform init && terraform plan
terraform {
  required_version = ">= 1.5.0"
  required_providers {
    # No version here: the module's own constraint (~> 6.66, the provider version the kit generates for) applies.
    aws = { source = "hashicorp/aws" }
  }
}

variable "region" {
  type        = string
  description = "Region of the table"
  default     = "eu-west-1"
}

# The exported module carries no provider configuration: this one (region, default tags, credentials) applies.
provider "aws" {
  region = var.region
  default_tags {
    tags = { project = "orders", managed-by = "terraform" }
  }
}

module "orders_cache" {
  source = "../../dist/terraform-modules/dynamodb-table"
  name   = "orders-cache"
}

output "orders_cache_table_name" {
  description = "Name of the table the module created"
  value       = module.orders_cache.table-name
}

output "orders_cache_table_arn" {
  value = module.orders_cache.table-arn
}
