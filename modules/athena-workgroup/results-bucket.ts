import { Construct } from "constructs";
import { S3Bucket } from "@cdktn/provider-aws/lib/s3-bucket/index.js";
import { S3BucketLifecycleConfiguration } from "@cdktn/provider-aws/lib/s3-bucket-lifecycle-configuration/index.js";
import { S3BucketOwnershipControls } from "@cdktn/provider-aws/lib/s3-bucket-ownership-controls/index.js";
import { S3BucketPolicy } from "@cdktn/provider-aws/lib/s3-bucket-policy/index.js";
import { S3BucketPublicAccessBlock } from "@cdktn/provider-aws/lib/s3-bucket-public-access-block/index.js";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktn/provider-aws/lib/s3-bucket-server-side-encryption-configuration/index.js";
import type { ResultEncryption } from "./props.js";

export interface ResultsBucketProps {
  readonly bucketName: string;
  /** Key prefix the results live under; expiration applies to it only. */
  readonly prefix: string;
  readonly expirationDays: number;
  readonly encryption: ResultEncryption;
  readonly forceDestroy: boolean;
  readonly tags: Record<string, string>;
}

/**
 * A private bucket for Athena query results: ACLs disabled (bucket owner owns every object), all public access
 * blocked, default encryption matching the workgroup's, a policy denying plain HTTP and TLS below 1.2, and
 * results expiring after a few days.
 *
 * Not versioned on purpose: results are disposable and re-creatable, and on a versioned bucket the expiration
 * would only add delete markers while the old versions kept costing storage.
 */
export class ResultsBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly bucketName: string;
  readonly bucketArn: string;

  constructor(scope: Construct, id: string, props: ResultsBucketProps) {
    super(scope, id);
    this.bucket = new S3Bucket(this, "bucket", {
      bucket: props.bucketName,
      forceDestroy: props.forceDestroy,
      tags: Object.keys(props.tags).length ? props.tags : undefined,
    });
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;

    const ownership = new S3BucketOwnershipControls(this, "ownership-controls", {
      bucket: this.bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });

    const publicAccess = new S3BucketPublicAccessBlock(this, "public-access-block", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });

    const kms = props.encryption.type === "SSE_KMS" ? props.encryption : undefined;
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket: this.bucket.id,
      rule: [
        {
          applyServerSideEncryptionByDefault: kms
            ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: kms.kmsKeyArn }
            : { sseAlgorithm: "AES256" },
          // One data key per bucket instead of per object: far fewer KMS calls (and KMS charges) for many small results.
          bucketKeyEnabled: kms ? true : undefined,
        },
      ],
    });

    // S3 rejects concurrent configuration changes on one bucket (OperationAborted); order the policy after the
    // public access block and ownership controls so a first apply never races.
    new S3BucketPolicy(this, "tls-only-policy", {
      bucket: this.bucket.id,
      policy: JSON.stringify(tlsOnlyPolicy(this.bucket.arn)),
      dependsOn: [publicAccess, ownership],
    });

    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket: this.bucket.id,
      rule: [
        {
          id: "expire-query-results",
          status: "Enabled",
          filter: [{ prefix: props.prefix }],
          expiration: [{ days: props.expirationDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
    });
  }
}

/** Denies every request over plain HTTP or TLS older than 1.2, to the bucket and its objects. */
export function tlsOnlyPolicy(bucketArn: string): Record<string, unknown> {
  const resources = [bucketArn, `${bucketArn}/*`];
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: resources,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        Sid: "DenyOutdatedTls",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: resources,
        Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
      },
    ],
  };
}
