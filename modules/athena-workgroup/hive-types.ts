/**
 * Column types of Glue tables read by Athena, in Hive DDL spelling (what the Glue catalog stores).
 *
 * Athena's DML names differ for some types (`integer`, `real`, `varbinary`); written into the catalog they make
 * a table Athena cannot read, so they are rejected here with the DDL name to use instead.
 */

const PRIMITIVES = ["boolean", "tinyint", "smallint", "int", "bigint", "float", "double", "string", "binary", "date", "timestamp"] as const;

/** DML-only spellings users reach for, and the DDL name the catalog needs. */
const DML_ALIASES: Record<string, string> = {
  integer: "int",
  real: "float",
  varbinary: "binary",
  text: "string",
  long: "bigint",
  bool: "boolean",
};

export const HIVE_TYPE_RULE =
  `must be a Hive DDL type: ${PRIMITIVES.join(", ")}, decimal(p,s) (p 1–38, s 0–p), char(n) (1–255), varchar(n) ` +
  "(1–65,535), array<T>, map<K,V> (K primitive) or struct<name:T,...>";

/** A parsed, normalized type (lowercase, no spaces) or the reason it is not a valid Hive type. */
export type HiveTypeResult = { ok: true; type: string } | { ok: false; reason: string };

/** Parses a Glue/Hive column type, case-insensitively, allowing spaces around punctuation. */
export function parseHiveType(input: string): HiveTypeResult {
  if (typeof input !== "string" || input.trim() === "") return { ok: false, reason: HIVE_TYPE_RULE };
  const parser = new TypeParser(input.toLowerCase());
  try {
    const type = parser.type();
    parser.end();
    return { ok: true, type };
  } catch (e) {
    if (e instanceof TypeSyntaxError) return { ok: false, reason: `${e.message}; ${HIVE_TYPE_RULE}` };
    throw e;
  }
}

class TypeSyntaxError extends Error {}

class TypeParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  type(): string {
    const word = this.word();
    if ((PRIMITIVES as readonly string[]).includes(word)) return word;
    switch (word) {
      case "decimal":
        return this.decimal();
      case "char":
        return `char(${this.length(1, 255)})`;
      case "varchar":
        return `varchar(${this.length(1, 65_535)})`;
      case "array": {
        this.expect("<");
        const element = this.type();
        this.expect(">");
        return `array<${element}>`;
      }
      case "map": {
        this.expect("<");
        const keyAt = this.pos;
        const key = this.type();
        if (!/^(?:[a-z]+|decimal\(\d+,\d+\)|char\(\d+\)|varchar\(\d+\))$/.test(key)) {
          throw new TypeSyntaxError(`map key type at position ${keyAt} must be primitive, got "${key}"`);
        }
        this.expect(",");
        const value = this.type();
        this.expect(">");
        return `map<${key},${value}>`;
      }
      case "struct": {
        this.expect("<");
        const fields: string[] = [];
        const names = new Set<string>();
        do {
          const name = this.word();
          if (names.has(name)) throw new TypeSyntaxError(`struct field "${name}" appears twice`);
          names.add(name);
          this.expect(":");
          fields.push(`${name}:${this.type()}`);
        } while (this.accept(","));
        this.expect(">");
        return `struct<${fields.join(",")}>`;
      }
      default: {
        const alias = DML_ALIASES[word];
        if (alias) throw new TypeSyntaxError(`"${word}" is Athena's query (DML) name; the catalog needs the DDL name "${alias}"`);
        throw new TypeSyntaxError(`unknown type "${word}"`);
      }
    }
  }

  end(): void {
    this.skipSpaces();
    if (this.pos < this.text.length) throw new TypeSyntaxError(`unexpected "${this.text.slice(this.pos)}"`);
  }

  private decimal(): string {
    if (!this.accept("(")) return "decimal";
    const precision = this.integer();
    const scale = this.accept(",") ? this.integer() : 0;
    this.expect(")");
    if (precision < 1 || precision > 38) throw new TypeSyntaxError(`decimal precision ${precision} is outside 1–38`);
    if (scale > precision) throw new TypeSyntaxError(`decimal scale ${scale} is larger than its precision ${precision}`);
    return `decimal(${precision},${scale})`;
  }

  private length(min: number, max: number): number {
    this.expect("(");
    const n = this.integer();
    this.expect(")");
    if (n < min || n > max) throw new TypeSyntaxError(`length ${n} is outside ${min}–${max.toLocaleString("en-US")}`);
    return n;
  }

  private word(): string {
    this.skipSpaces();
    const m = /^[a-z_][a-z0-9_]*/.exec(this.text.slice(this.pos));
    if (!m) throw new TypeSyntaxError(`expected a type or field name at position ${this.pos}`);
    this.pos += m[0].length;
    return m[0];
  }

  private integer(): number {
    this.skipSpaces();
    const m = /^\d{1,6}/.exec(this.text.slice(this.pos));
    if (!m) throw new TypeSyntaxError(`expected a number at position ${this.pos}`);
    this.pos += m[0].length;
    return Number(m[0]);
  }

  private accept(ch: string): boolean {
    this.skipSpaces();
    if (this.text[this.pos] !== ch) return false;
    this.pos += 1;
    return true;
  }

  private expect(ch: string): void {
    if (!this.accept(ch)) throw new TypeSyntaxError(`expected "${ch}" at position ${this.pos}`);
  }

  private skipSpaces(): void {
    while (this.text[this.pos] === " ") this.pos += 1;
  }
}
