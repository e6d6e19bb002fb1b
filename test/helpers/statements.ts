import { CypherSplitter, type Statement } from "../../src/script/lexer.js";

/** The one statement `text` holds, as the loader reads it (comments before its code included). */
export function statementOf(text: string): Statement {
  const splitter = new CypherSplitter();
  const statements = [...splitter.push(text), ...splitter.end()];
  if (statements.length !== 1) throw new Error(`expected one statement, found ${statements.length}: ${text}`);
  return statements[0] as Statement;
}

/** The statements of `text`, as the loader reads them. */
export function statementsOf(text: string): Statement[] {
  const splitter = new CypherSplitter();
  return [...splitter.push(text), ...splitter.end()];
}
