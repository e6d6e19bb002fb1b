/**
 * Cypher 5's lexical rules, as Neo4j applies them, for the whole of c360: where a statement ends,
 * where its code starts, and which of its words are code at all.
 *
 * A statement ends at a `;` outside string literals ('...' and "..." with backslash escapes),
 * backtick names (`` inside them is a backtick) and comments: `//` up to the end of the line, which
 * is a CR, an LF or a CRLF (Neo4j ends the comment at a lone CR too), and `/* ... *\/`. So no data
 * can split a statement, a comment cannot hide code from c360 that Neo4j would run, and the file
 * is never read whole.
 */

export interface Statement {
  /** 1-based position in the script. */
  index: number;
  /** 1-based line where the statement's first code (not comment) character is. */
  line: number;
  /** The statement without its terminating `;`, comments included, without surrounding white space. */
  text: string;
  /**
   * Where in `text` the code starts: before it there are only comments and white space (a section
   * marker, a relationship's comment); from it on is what Neo4j parses as the statement.
   */
  codeStart: number;
}

/** The code of a statement: its text after the comments and white space that lead it. */
export function codeOf(statement: Pick<Statement, "text" | "codeStart">): string {
  return statement.codeStart === 0 ? statement.text : statement.text.slice(statement.codeStart);
}

/** The comments (and white space) before a statement's code. */
export function leadingCommentsOf(statement: Pick<Statement, "text" | "codeStart">): string {
  return statement.text.slice(0, statement.codeStart);
}

/**
 * The longest statement a script may hold (in UTF-16 units), for every reader: an online load, a
 * bulk import, the scan before either. Generate keeps its statements far below it; anything
 * longer means the file is not a Cypher script (or a string never closes).
 */
export const maxScriptStatementLength = 64 * 1024 * 1024;

export class ScriptSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

type State =
  | "code"
  | "slash" // a "/" in code: maybe a comment
  | "lineComment"
  | "blockComment"
  | "blockCommentStar"
  | "single"
  | "double"
  | "escape"
  | "backtick"
  | "backtickEnd"; // a "`" inside a name: end, or the first half of ``

/** White space between tokens: what neither opens code nor belongs to it. */
function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9 || c === 12 || c === 11;
}

export interface SplitterOptions {
  /** A statement longer than this (in UTF-16 units) is refused: the file is probably not a script. */
  maxStatementLength?: number;
}

export class CypherSplitter {
  private state: State = "code";
  private escapeReturn: "single" | "double" = "single";
  private buffer = "";
  private hasCode = false;
  /** Where the code starts in `buffer` (before trimming). */
  private codeOffset = 0;
  private line = 1;
  /** The last character seen was a CR: an LF right after it ends the same line. */
  private afterCR = false;
  private codeLine = 0;
  private index = 0;
  private quoteLine = 0;
  private readonly maxLength: number;

  constructor(options: SplitterOptions = {}) {
    this.maxLength = options.maxStatementLength ?? maxScriptStatementLength;
  }

  /** Feeds a chunk of text; returns the statements it completed. */
  push(chunk: string): Statement[] {
    const out: Statement[] = [];
    let start = 0; // buffer the chunk in slices, not char by char
    // Inside strings and names (most of a generated script) only a few characters matter: jump
    // from one to the next with indexOf, each position found once per chunk.
    const next = new NextPosition(chunk);
    /** A character seen a second time (after a "/" or "`" that turned out not to open anything). */
    let again = false;
    for (let i = 0; i < chunk.length; i++) {
      const state = this.state;
      if (state === "single" || state === "double" || state === "backtick") {
        const to =
          state === "backtick"
            ? next.of(96 /* ` */, i)
            : Math.min(next.of(state === "single" ? 39 : 34, i), next.of(92 /* \ */, i));
        this.countLineBreaks(chunk, next, i, to);
        if (to >= chunk.length) break;
        i = to;
      }
      const c = chunk.charCodeAt(i);
      // The line this character starts on: a "/" that turns out to be code is on it.
      const lineBefore = this.line;
      if (again) again = false;
      else this.countLine(c);
      switch (this.state) {
        case "code":
          if (c === 59 /* ; */) {
            this.buffer += chunk.slice(start, i);
            start = i + 1;
            this.emit(out);
          } else if (c === 47 /* / */) {
            this.state = "slash";
          } else if (c === 39 /* ' */ || c === 34 /* " */ || c === 96 /* ` */) {
            this.markCode(this.buffer.length + i - start);
            this.state = c === 39 ? "single" : c === 34 ? "double" : "backtick";
            this.quoteLine = this.line;
          } else if (!isSpace(c)) {
            this.markCode(this.buffer.length + i - start);
          }
          break;
        case "slash":
          if (c === 47) this.state = "lineComment";
          else if (c === 42 /* * */) this.state = "blockComment";
          else {
            // It was a division: the "/" is code, and this character is seen again as code.
            this.markCode(this.buffer.length + i - 1 - start, lineBefore);
            this.state = "code";
            i--;
            again = true;
          }
          break;
        case "lineComment":
          if (c === 10 || c === 13) this.state = "code";
          break;
        case "blockComment":
          if (c === 42) this.state = "blockCommentStar";
          break;
        case "blockCommentStar":
          if (c === 47) this.state = "code";
          else if (c !== 42) this.state = "blockComment";
          break;
        case "single":
        case "double":
          if (c === 92 /* \ */) {
            this.escapeReturn = this.state;
            this.state = "escape";
          } else if ((this.state === "single" && c === 39) || (this.state === "double" && c === 34)) {
            this.state = "code";
          }
          break;
        case "escape":
          this.state = this.escapeReturn;
          break;
        case "backtick":
          if (c === 96) this.state = "backtickEnd";
          break;
        case "backtickEnd":
          if (c === 96) this.state = "backtick";
          else {
            this.state = "code";
            i--;
            again = true;
          }
          break;
      }
    }
    this.buffer += chunk.slice(start);
    if (this.buffer.length > this.maxLength) {
      throw new ScriptSyntaxError(
        `statement ${this.index + 1} (from line ${this.codeLine || this.line}) is longer than ${this.maxLength} characters; ` +
          "is this a Cypher script? (an unterminated string literal also causes this)",
        this.codeLine || this.line,
      );
    }
    return out;
  }

  /** Ends the input: returns the last statement if it had no `;`; refuses an unterminated string. */
  end(): Statement[] {
    if (this.state === "slash") this.markCode(this.buffer.length - 1);
    if (this.state === "single" || this.state === "double" || this.state === "escape") {
      throw new ScriptSyntaxError(
        `unterminated string literal starting on line ${this.quoteLine}`,
        this.quoteLine,
      );
    }
    if (this.state === "backtick") {
      throw new ScriptSyntaxError(
        `unterminated backtick name starting on line ${this.quoteLine}`,
        this.quoteLine,
      );
    }
    if (this.state === "blockComment" || this.state === "blockCommentStar") {
      if (this.hasCode)
        throw new ScriptSyntaxError("unterminated /* comment at the end of the script", this.line);
    }
    const out: Statement[] = [];
    this.emit(out);
    return out;
  }

  /** Lines end at LF, CR or CRLF (one line break, not two). */
  private countLine(c: number): void {
    if (c === 13) this.line++;
    else if (c === 10 && !this.afterCR) this.line++;
    this.afterCR = c === 13;
  }

  /** Counts the line breaks in chunk[from, to) without visiting every character. */
  private countLineBreaks(chunk: string, next: NextPosition, from: number, to: number): void {
    if (from >= to) return;
    for (let at = next.of(13, from); at < to; at = next.of(13, at + 1)) this.line++;
    for (let at = next.of(10, from); at < to; at = next.of(10, at + 1)) {
      const before = at === from ? this.afterCR : chunk.charCodeAt(at - 1) === 13;
      if (!before) this.line++;
    }
    this.afterCR = chunk.charCodeAt(to - 1) === 13;
  }

  private markCode(offset: number, line = this.line): void {
    if (!this.hasCode) {
      this.hasCode = true;
      this.codeLine = line;
      this.codeOffset = offset;
    }
  }

  private emit(out: Statement[]): void {
    if (this.buffer.length > this.maxLength) {
      throw new ScriptSyntaxError(
        `statement ${this.index + 1} (from line ${this.codeLine || this.line}) is longer than ${this.maxLength} characters`,
        this.codeLine || this.line,
      );
    }
    if (this.hasCode) {
      this.index++;
      const buffer = this.buffer;
      let first = 0;
      while (isSpace(buffer.charCodeAt(first))) first++;
      let last = buffer.length;
      while (last > first && isSpace(buffer.charCodeAt(last - 1))) last--;
      out.push({
        index: this.index,
        line: this.codeLine,
        text: first === 0 && last === buffer.length ? buffer : buffer.slice(first, last),
        codeStart: this.codeOffset - first,
      });
    }
    this.buffer = "";
    this.hasCode = false;
    this.codeLine = 0;
  }
}

/** The next position of a character in a chunk, each found by one indexOf however often asked. */
class NextPosition {
  // Indexed by the character's code: only the six the splitter jumps to are ever asked for.
  private readonly found = new Int32Array(128).fill(-1);

  constructor(private readonly text: string) {}

  /** The first position at or after `from` holding `code`, or the text's length. */
  of(code: number, from: number): number {
    let at = this.found[code] as number;
    if (at < from) {
      at = this.text.indexOf(String.fromCharCode(code), from);
      if (at < 0) at = this.text.length;
      this.found[code] = at;
    }
    return at;
  }
}

function isWordChar(c: number): boolean {
  return (
    (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c > 127
  );
}

/**
 * The tokens of a statement's code, by Cypher 5's lexical rules: words (keywords, names, numbers)
 * and single punctuation characters, with comments left out and each string literal or backtick
 * name given as one token (`'` or `` ` ``), so nothing inside them can look like code.
 */
export function* codeTokens(text: string): Generator<string> {
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) i++;
    else if (c === 47 && text.charCodeAt(i + 1) === 47) {
      while (i < n && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
    } else if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === 39 || c === 34) {
      for (i++; i < n && text.charCodeAt(i) !== c; i++) if (text.charCodeAt(i) === 92) i++;
      i++;
      yield "'";
    } else if (c === 96) {
      for (i++; i < n; i++) {
        if (text.charCodeAt(i) !== 96) continue;
        if (text.charCodeAt(i + 1) !== 96) break;
        i++;
      }
      i++;
      yield "`";
    } else if (isWordChar(c)) {
      const from = i;
      while (i < n && isWordChar(text.charCodeAt(i))) i++;
      yield text.slice(from, i);
    } else {
      i++;
      yield text[i - 1] as string;
    }
  }
}

/**
 * Whether a statement must run in an implicit (auto-commit) transaction: it holds
 * `CALL { ... } IN [[expression] CONCURRENT] TRANSACTIONS`, found among its code tokens, never in
 * its strings, names or comments.
 */
export function isAutoCommit(text: string): boolean {
  // 0: nothing yet; 1: after "}"; 2: after "} IN"; 3: inside the concurrency expression; 4: after CONCURRENT
  let state = 0;
  for (const token of codeTokens(text)) {
    const word = token.toUpperCase();
    if (token === "}") state = 1;
    else if (state === 1) state = word === "IN" ? 2 : 0;
    else if (state === 2 || state === 4) {
      if (word === "TRANSACTIONS") return true;
      state = word === "CONCURRENT" ? 4 : state === 2 && token !== "{" ? 3 : 0;
    } else if (state === 3) {
      if (word === "CONCURRENT") state = 4;
      else if (token === "{" || token === ";" || word === "TRANSACTIONS") state = 0;
    }
  }
  return false;
}

/** Splits a stream of text (e.g. a file read with encoding utf8) into statements, lazily. */
export async function* splitStatements(
  chunks: AsyncIterable<string | Buffer>,
  options: SplitterOptions = {},
): AsyncGenerator<Statement> {
  const splitter = new CypherSplitter(options);
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let first = true;
  for await (const chunk of chunks) {
    let text = typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    if (first && text.length > 0) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a byte-order mark is not code
    }
    yield* splitter.push(text);
  }
  // Flushes the decoder: a multi-byte character cut off at the end of the file is an error.
  yield* splitter.push(decoder.decode());
  yield* splitter.end();
}
