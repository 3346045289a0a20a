/**
 * Which pricer prices each Terraform resource type, which types AWS does not charge for, and which cost only with
 * usage no workload describes. A type in none of them is reported as unpriced, never counted as free.
 */
import type { Pricer } from "../model.js";
import { apiGatewayStage } from "./api-gateway.js";
import { athenaWorkgroup } from "./athena.js";
import { compositeAlarm, logGroup, metricAlarm } from "./cloudwatch.js";
import { dynamodbTable } from "./dynamodb.js";
import { cacheCluster, replicationGroup, serverlessCache } from "./elasticache.js";
import { lambdaFunction } from "./lambda.js";
import { kmsKey, secret } from "./monthly-fees.js";
import { elasticIp, natGateway, vpcEndpoint } from "./vpc.js";

export const PRICERS: Readonly<Record<string, Pricer>> = {
  aws_api_gateway_stage: apiGatewayStage,
  aws_athena_workgroup: athenaWorkgroup,
  aws_cloudwatch_composite_alarm: compositeAlarm,
  aws_cloudwatch_log_group: logGroup,
  aws_cloudwatch_metric_alarm: metricAlarm,
  aws_dynamodb_table: dynamodbTable,
  aws_eip: elasticIp,
  aws_elasticache_cluster: cacheCluster,
  aws_elasticache_replication_group: replicationGroup,
  aws_elasticache_serverless_cache: serverlessCache,
  aws_kms_key: kmsKey,
  aws_lambda_function: lambdaFunction,
  aws_nat_gateway: natGateway,
  aws_secretsmanager_secret: secret,
  aws_vpc_endpoint: vpcEndpoint,
};

const CONFIGURATION = "configuration, no charge";
/** API Gateway bills REST APIs for requests and cache hours only (https://aws.amazon.com/api-gateway/pricing/). */
const USAGE_PLANS = "API keys and usage plans are free; requests are priced at the stage";

/** Types AWS does not charge for by themselves. */
export const FREE_TYPES: Readonly<Record<string, string>> = {
  aws_api_gateway_account: CONFIGURATION,
  aws_api_gateway_api_key: USAGE_PLANS,
  aws_api_gateway_deployment: CONFIGURATION,
  aws_api_gateway_integration: CONFIGURATION,
  aws_api_gateway_method: CONFIGURATION,
  aws_api_gateway_method_settings: CONFIGURATION,
  aws_api_gateway_resource: CONFIGURATION,
  aws_api_gateway_usage_plan: USAGE_PLANS,
  aws_api_gateway_usage_plan_key: CONFIGURATION,
  aws_api_gateway_rest_api: "requests are priced at its stage",
  aws_appautoscaling_policy: CONFIGURATION,
  aws_appautoscaling_target: "capacity is priced at the table",
  aws_athena_named_query: CONFIGURATION,
  aws_cloudwatch_log_resource_policy: CONFIGURATION,
  aws_default_security_group: CONFIGURATION,
  aws_elasticache_parameter_group: CONFIGURATION,
  aws_elasticache_subnet_group: CONFIGURATION,
  aws_elasticache_user: CONFIGURATION,
  aws_elasticache_user_group: CONFIGURATION,
  aws_glue_catalog_database: "the first million Data Catalog objects are free",
  aws_glue_catalog_table: "the first million Data Catalog objects are free",
  aws_iam_openid_connect_provider: CONFIGURATION,
  aws_iam_policy: CONFIGURATION,
  aws_iam_role: CONFIGURATION,
  aws_iam_role_policy: CONFIGURATION,
  aws_iam_role_policy_attachment: CONFIGURATION,
  aws_internet_gateway: CONFIGURATION,
  aws_kms_alias: CONFIGURATION,
  aws_lambda_alias: CONFIGURATION,
  aws_lambda_permission: CONFIGURATION,
  aws_route: CONFIGURATION,
  aws_route_table: CONFIGURATION,
  aws_route_table_association: CONFIGURATION,
  aws_s3_bucket_lifecycle_configuration: CONFIGURATION,
  aws_s3_bucket_ownership_controls: CONFIGURATION,
  aws_s3_bucket_policy: CONFIGURATION,
  aws_s3_bucket_public_access_block: CONFIGURATION,
  aws_s3_bucket_server_side_encryption_configuration: CONFIGURATION,
  aws_s3_bucket_versioning: CONFIGURATION,
  aws_secretsmanager_secret_rotation: CONFIGURATION,
  aws_secretsmanager_secret_version: "priced with its secret",
  aws_security_group: CONFIGURATION,
  aws_sns_topic_policy: CONFIGURATION,
  aws_subnet: CONFIGURATION,
  aws_vpc: CONFIGURATION,
  aws_vpc_security_group_egress_rule: CONFIGURATION,
  aws_vpc_security_group_ingress_rule: CONFIGURATION,
  random_id: "not an AWS resource",
  random_password: "not an AWS resource",
};

/** Types whose cost is usage the workload does not describe. */
export const NOT_ESTIMATED_TYPES: Readonly<Record<string, string>> = {
  aws_s3_bucket: "storage and requests not estimated (Athena results: kilobytes a query, expired by lifecycle)",
  aws_sns_topic: "publishes and deliveries not estimated (alarm notifications: the first million a month are free)",
  aws_sns_topic_subscription: "deliveries not estimated",
};
