import { Fn } from "cdktn";
import { Construct } from "constructs";
import { GlueCatalogDatabase } from "@cdktn/provider-aws/lib/glue-catalog-database/index.js";
import { GlueCatalogTable } from "@cdktn/provider-aws/lib/glue-catalog-table/index.js";
import type { ResolvedTable } from "./resolve.js";

export const PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe";
export const PARQUET_INPUT_FORMAT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat";
export const PARQUET_OUTPUT_FORMAT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat";

/**
 * Table parameters for an external Parquet table with partition projection. The location template keeps its
 * `${key}` placeholders for Athena; {@link GlueCatalog} escapes them so Terraform does not read them as
 * interpolations.
 */
export function tableParameters(t: ResolvedTable): Record<string, string> {
  const params: Record<string, string> = {
    EXTERNAL: "TRUE",
    classification: "parquet",
    "parquet.compression": t.compression,
  };
  if (t.partitionKeys.length > 0) {
    params["projection.enabled"] = "true";
    Object.assign(params, t.projection);
    params["storage.location.template"] = t.locationTemplate!;
  }
  return params;
}

export interface GlueCatalogProps {
  readonly database: { name: string; description?: string };
  readonly tables: readonly ResolvedTable[];
  readonly tags: Record<string, string>;
}

/**
 * A Glue database and its external Parquet tables. Partitions are projected from table parameters, so there is
 * no crawler to run and no `ALTER TABLE ADD PARTITION` to remember: a new day's folder is queryable as soon as
 * its files land.
 */
export class GlueCatalog extends Construct {
  readonly database: GlueCatalogDatabase;
  /** By table name. */
  readonly tables: ReadonlyMap<string, GlueCatalogTable>;

  constructor(scope: Construct, id: string, props: GlueCatalogProps) {
    super(scope, id);
    this.database = new GlueCatalogDatabase(this, "database", {
      name: props.database.name,
      description: props.database.description,
      tags: Object.keys(props.tags).length ? props.tags : undefined,
    });

    const tables = new Map<string, GlueCatalogTable>();
    for (const t of props.tables) {
      const parameters = tableParameters(t);
      if (parameters["storage.location.template"] !== undefined) {
        parameters["storage.location.template"] = Fn.rawString(parameters["storage.location.template"]);
      }
      // Construct id from the table name, not its position: reordering `tables` must not move Terraform addresses.
      tables.set(
        t.name,
        new GlueCatalogTable(this, `table-${t.name}`, {
          databaseName: this.database.name,
          name: t.name,
          description: t.description,
          tableType: "EXTERNAL_TABLE",
          parameters,
          partitionKeys: t.partitionKeys.length ? t.partitionKeys.map((k) => ({ name: k.name, type: k.type })) : undefined,
          storageDescriptor: {
            location: t.location,
            inputFormat: PARQUET_INPUT_FORMAT,
            outputFormat: PARQUET_OUTPUT_FORMAT,
            serDeInfo: { serializationLibrary: PARQUET_SERDE, parameters: { "serialization.format": "1" } },
            columns: t.columns.map((c) => ({ name: c.name, type: c.type, comment: c.comment })),
          },
        }),
      );
    }
    this.tables = tables;
  }
}
