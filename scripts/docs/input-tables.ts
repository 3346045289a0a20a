/**
 * The "Inputs" tables of each module README, read from the module's props.ts with the TypeScript compiler API: one
 * table per props interface the construct takes, reached from the root props (an interface, or a union of them), and
 * a table of the named types they use. Name, description and `@default` come from the TSDoc, the type as written,
 * "required" from the `?`. An optional prop without `@default` is a problem the docs check reports: the reader of a
 * table must see what leaving a prop out means.
 */
import { dirname, join, relative, sep } from "node:path";
import ts from "typescript";
import { cell } from "./env-tables.js";
import { withMarkedBlock } from "./marked-block.js";

export interface InputTable {
  readonly module: string;
  /** Relative to the repository root. */
  readonly file: string;
  readonly props: string;
  /** The exported name of the construct's props: an interface or a type alias of a union of interfaces. */
  readonly root: string;
}

export const INPUT_TABLES: readonly InputTable[] = [
  { module: "alarm-topic", root: "AlarmTopicProps" },
  { module: "api-cache", root: "ApiCacheProps" },
  { module: "athena-workgroup", root: "AthenaWorkgroupProps" },
  { module: "dynamodb-table", root: "DynamoTableProps" },
  { module: "kms-key", root: "KmsKeyProps" },
  { module: "lambda-function", root: "LambdaFunctionProps" },
  { module: "network", root: "NetworkProps" },
  { module: "nodejs-bundle", root: "NodejsBundleProps" },
  { module: "redis-cache", root: "RedisCacheProps" },
].map((t) => ({ ...t, file: `modules/${t.module}/README.md`, props: `modules/${t.module}/props.ts` }));

export interface InputDocs {
  readonly markdown: string;
  /** Optional props without `@default`, as `<file>: <Interface>.<prop>`. */
  readonly problems: string[];
  /** Props documented (each row of each table). */
  readonly count: number;
}

/** One program for all modules: the compiler resolves the types across files (a base interface in modules/core). */
export function inputDocs(root: string, tables: readonly InputTable[] = INPUT_TABLES): Map<string, InputDocs> {
  const files = tables.map((t) => join(root, t.props));
  const program = ts.createProgram(files, { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const out = new Map<string, InputDocs>();
  for (const t of tables) {
    const source = program.getSourceFile(join(root, t.props));
    if (!source) throw new Error(`${t.props}: not found`);
    out.set(t.module, moduleDocs(checker, source, t, root));
  }
  return out;
}

type Named = ts.InterfaceDeclaration | ts.TypeAliasDeclaration;

function moduleDocs(checker: ts.TypeChecker, source: ts.SourceFile, t: InputTable, root: string): InputDocs {
  const start = source.statements.find((s): s is Named => (ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)) && s.name.text === t.root);
  if (!start) throw new Error(`${t.props}: no interface or type ${t.root}`);
  const modulesDir = join(root, "modules") + sep;
  // Breadth-first from the root, in the order props mention them, so the tables read top-down.
  const seen = new Set<Named>([start]);
  const queue: Named[] = [start];
  const order: Named[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isTypeReferenceNode(node) || ts.isExpressionWithTypeArguments(node)) {
      const name = ts.isTypeReferenceNode(node) ? node.typeName : node.expression;
      let symbol = checker.getSymbolAtLocation(ts.isQualifiedName(name) ? name.right : name);
      if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
      for (const d of symbol?.declarations ?? []) {
        if (!(ts.isInterfaceDeclaration(d) || ts.isTypeAliasDeclaration(d))) continue;
        if (!d.getSourceFile().fileName.startsWith(modulesDir) || seen.has(d)) continue;
        seen.add(d);
        queue.push(d);
      }
    }
    ts.forEachChild(node, visit);
  };
  while (queue.length > 0) {
    const d = queue.shift()!;
    order.push(d);
    if (ts.isInterfaceDeclaration(d)) {
      for (const p of propsOf(checker, d)) if (p.type) visit(p.type);
    } else visit(d.type);
  }

  const problems: string[] = [];
  let count = 0;
  const sections: string[] = [];
  const where = (d: ts.Node) => relative(root, d.getSourceFile().fileName).split(sep).join("/");
  for (const d of order) {
    // A base interface is documented in the tables of the interfaces that extend it; a union alias in the types table.
    if (!ts.isInterfaceDeclaration(d) || isOnlyExtended(d, order)) continue;
    const rows = propsOf(checker, d).flatMap((p) => {
      const name = p.name.getText();
      const optional = p.questionToken !== undefined;
      const fallback = defaultOf(p);
      if (optional && fallback === undefined) problems.push(`${where(p)}: ${d.name.text}.${name} is optional but has no @default`);
      count++;
      return [...sectionOf(p), `| \`${name}\` | ${cell(descriptionOf(p))} | ${code(typeText(p.type))} | ${optional ? defaultCell(fallback ?? "") : "—"} | ${optional ? "no" : "yes"} |`];
    });
    const intro = descriptionOf(d);
    sections.push([`### \`${d.name.text}\``, "", ...(intro ? [cell(intro), ""] : []), "| name | description | type | default | required |", "|---|---|---|---|---|", ...rows].join("\n"));
  }
  const aliases = order.filter(ts.isTypeAliasDeclaration);
  if (aliases.length > 0) {
    const rows = aliases.map((a) => `| \`${a.name.text}\` | ${code(aliasText(checker, a))} | ${cell(descriptionOf(a))} |`);
    sections.push(["### Types", "", "| type | definition | description |", "|---|---|---|", ...rows].join("\n"));
  }
  const from = relative(dirname(join(root, t.file)), join(root, t.props)).split(sep).join("/");
  const head = `Generated from the TSDoc of [\`${from.replace(/^\.\//, "")}\`](${from}) by \`npm run docs\`.`;
  return { markdown: [head, ...sections].join("\n\n"), problems, count };
}

/** Own properties then inherited ones (the checker's order), each from its declaration in the source. */
function propsOf(checker: ts.TypeChecker, d: ts.InterfaceDeclaration): ts.PropertySignature[] {
  const type = checker.getTypeAtLocation(d.name);
  return checker
    .getPropertiesOfType(type)
    .map((s) => s.declarations?.find(ts.isPropertySignature))
    .filter((p): p is ts.PropertySignature => p !== undefined);
}

/** An interface that only other documented interfaces extend and no prop names (`NetworkCommonProps`). */
function isOnlyExtended(d: ts.InterfaceDeclaration, order: readonly Named[]): boolean {
  const extenders = order.filter((o) => ts.isInterfaceDeclaration(o) && o.heritageClauses?.some((h) => h.types.some((e) => e.expression.getText() === d.name.text)));
  if (extenders.length === 0) return false;
  const mentioned = (node: ts.Node): boolean => (ts.isTypeReferenceNode(node) && node.typeName.getText() === d.name.text) || ts.forEachChild(node, mentioned) === true;
  return !order.some((o) => (ts.isInterfaceDeclaration(o) ? o.members.some((m) => mentioned(m)) : mentioned(o.type)));
}

/** A `// ----- replication group only -----` line before a prop starts a group of rows: a row saying so. */
function sectionOf(p: ts.PropertySignature): string[] {
  const text = p.getSourceFile().text;
  const ranges = ts.getLeadingCommentRanges(text, p.getFullStart()) ?? [];
  return ranges.flatMap((r) => {
    const m = /^\/\/\s*-+\s*(.+?)\s*-+\s*$/.exec(text.slice(r.pos, r.end));
    return m ? [`| *${cell(m[1]!)}:* | | | | |`] : [];
  });
}

function jsDocOf(node: ts.Node): ts.JSDoc | undefined {
  const docs = (node as { jsDoc?: ts.JSDoc[] }).jsDoc;
  return docs?.[docs.length - 1];
}

function descriptionOf(node: ts.Node): string {
  return flat(commentText(jsDocOf(node)?.comment));
}

function defaultOf(node: ts.Node): string | undefined {
  const tag = jsDocOf(node)?.tags?.find((t) => t.tagName.text === "default");
  return tag ? flat(commentText(tag.comment)) : undefined;
}

/** TSDoc text with `{@link X}` as the code span `X`. */
function commentText(comment: string | ts.NodeArray<ts.JSDocComment> | undefined): string {
  if (comment === undefined) return "";
  if (typeof comment === "string") return comment;
  return comment.map((part) => (ts.isJSDocLink(part) || ts.isJSDocLinkCode(part) || ts.isJSDocLinkPlain(part) ? `\`${(part.name?.getText() ?? "") + part.text}\`` : part.text)).join("");
}

function flat(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** The type as the props author wrote it (naming the types the tables below define), on one line. */
function typeText(type: ts.TypeNode | undefined): string {
  return type ? flat(type.getText().replace(/\/\*\*[\s\S]*?\*\//g, "")).replace(/^\|\s*/, "") : "unknown";
}

/** What a named type is: as written, or spelled out when computed (`(typeof X)[number]` says nothing to a reader). */
function aliasText(checker: ts.TypeChecker, a: ts.TypeAliasDeclaration): string {
  const computed = (node: ts.Node): boolean => ts.isTypeQueryNode(node) || ts.isIndexedAccessTypeNode(node) || ts.forEachChild(node, computed) === true;
  if (!computed(a.type)) return typeText(a.type);
  const flags = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.InTypeAlias | ts.TypeFormatFlags.UseSingleQuotesForStringLiteralType;
  const text = checker.typeToString(checker.getTypeAtLocation(a.name), a, flags).replaceAll("'", '"');
  return flat(text);
}

/**
 * A default that is a value (`true`, `60`, `{ mode: "onDemand" }`), alone or before a remark in parentheses, as code;
 * prose ("no sort key") as prose.
 */
function defaultCell(text: string): string {
  const value = (t: string) => {
    const sf = ts.createSourceFile("d.ts", `const d = ${t};`, ts.ScriptTarget.Latest);
    const init = (sf.statements[0] as ts.VariableStatement | undefined)?.declarationList.declarations[0]?.initializer;
    const kinds = [ts.SyntaxKind.StringLiteral, ts.SyntaxKind.NumericLiteral, ts.SyntaxKind.TrueKeyword, ts.SyntaxKind.FalseKeyword, ts.SyntaxKind.NullKeyword, ts.SyntaxKind.ObjectLiteralExpression, ts.SyntaxKind.ArrayLiteralExpression, ts.SyntaxKind.PrefixUnaryExpression];
    return init !== undefined && kinds.includes(init.kind) && init.getText(sf) === t;
  };
  if (value(text)) return code(text);
  const remark = /^(.+?) (\(.*\)|—.*|, .*)$/.exec(text);
  if (remark && value(remark[1]!)) return `${code(remark[1]!)} ${cell(remark[2]!)}`;
  return cell(text);
}

/** A code span in a table cell: GitHub reads `\|` inside one as a literal bar. */
function code(text: string): string {
  return `\`${text.replaceAll("|", "\\|")}\``;
}

/** Replaces the block between `<!-- inputs -->` and `<!-- /inputs -->` (inserted after "## Inputs" when absent). */
export function withInputTable(text: string, table: string): string {
  return withMarkedBlock(text, { start: "<!-- inputs -->", end: "<!-- /inputs -->", insertAfter: { heading: "## Inputs", what: "the inputs tables" } }, table);
}
