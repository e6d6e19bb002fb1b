/**
 * An independent reading of a script's statements, for the differential test: written from
 * Cypher 5's lexical rules one character at a time, sharing no code with src/script/lexer.ts. A
 * statement ends at `;` outside strings ('...', "..." with backslash escapes), backtick names
 * (`` is a backtick), `//` comments (ended by CR or LF) and block comments.
 */
export interface OracleStatement {
  /** 1-based. */
  index: number;
  /** The line of its first code character, counting CR, LF and CRLF as one line break each. */
  line: number;
  text: string;
}

export function oracleSplit(script: string): OracleStatement[] {
  const out: OracleStatement[] = [];
  let mode: "code" | "line" | "block" | "'" | '"' | "`" = "code";
  let current = "";
  let codeLine = 0;
  let line = 1;
  for (let i = 0; i < script.length; i++) {
    const c = script[i] as string;
    const next = script[i + 1];
    const lineBreak = c === "\n" ? script[i - 1] !== "\r" : c === "\r";
    if (mode === "code") {
      if (c === ";") {
        if (codeLine > 0) out.push({ index: out.length + 1, line: codeLine, text: current.trim() });
        current = "";
        codeLine = 0;
        continue;
      }
      if (c === "/" && next === "/") mode = "line";
      else if (c === "/" && next === "*") mode = "block";
      else if (c === "'" || c === '"' || c === "`") mode = c;
      if (mode === "code" || mode === "'" || mode === '"' || mode === "`") {
        if (!/\s/.test(c) && codeLine === 0) codeLine = line;
      }
      current += c;
      if (mode === "block" || mode === "line") {
        current += next;
        i++;
      }
    } else if (mode === "line") {
      current += c;
      if (c === "\r" || c === "\n") mode = "code";
    } else if (mode === "block") {
      current += c;
      if (c === "*" && next === "/") {
        current += next;
        i++;
        mode = "code";
      }
    } else if (mode === "`") {
      current += c;
      if (c === "`") {
        if (next === "`") {
          current += next;
          i++;
        } else mode = "code";
      }
    } else {
      current += c;
      if (c === "\\") {
        current += next ?? "";
        i++;
        if (next === "\r" || next === "\n") line++;
      } else if (c === mode) mode = "code";
    }
    if (lineBreak) line++;
  }
  if (codeLine > 0) out.push({ index: out.length + 1, line: codeLine, text: current.trim() });
  return out;
}
