/**
 * A streaming, Cypher-aware statement splitter. A statement ends at a `;` that is outside string
 * literals ('...' and "..." with backslash escapes), backtick names (`` inside them is a backtick)
 * and comments (// to end of line, /* ... *\/). So no data can split a statement, hand-edited
 * scripts with comments and multi-line statements work, and the file is never read whole.
 */

export interface Statement {
  /** 1-based position in the script. */
  index: number;
  /** 1-based line where the statement's first code (not comment) character is. */
  line: number;
  /** The statement without its terminating `;`, comments included, trimmed. */
  text: string;
}

/**
 * The longest statement `c360 load` accepts (in UTF-16 units). Generate keeps its statements far
 * below it; anything longer means the file is not a Cypher script (or a string never closes).
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

export interface SplitterOptions {
  /** A statement longer than this (in UTF-16 units) is refused: the file is probably not a script. */
  maxStatementLength?: number;
}

export class CypherSplitter {
  private state: State = "code";
  private escapeReturn: "single" | "double" = "single";
  private buffer = "";
  private hasCode = false;
  private line = 1;
  private codeLine = 0;
  private index = 0;
  private quoteLine = 0;
  private readonly maxLength: number;

  constructor(options: SplitterOptions = {}) {
    this.maxLength = options.maxStatementLength ?? 256 * 1024 * 1024;
  }

  /** Feeds a chunk of text; returns the statements it completed. */
  push(chunk: string): Statement[] {
    const out: Statement[] = [];
    let start = 0; // buffer the chunk in slices, not char by char
    // Inside strings and names (most of a generated script) only a few characters matter: jump
    // from one to the next with indexOf, each position found once per chunk.
    const next = new NextPosition(chunk);
    for (let i = 0; i < chunk.length; i++) {
      const state = this.state;
      if (state === "single" || state === "double" || state === "backtick") {
        const to =
          state === "backtick"
            ? next.of(96 /* ` */, i)
            : Math.min(next.of(state === "single" ? 39 : 34, i), next.of(92 /* \ */, i));
        for (let line = next.of(10, i); line < to; line = next.of(10, line + 1)) this.line++;
        if (to >= chunk.length) break;
        i = to;
      }
      const c = chunk.charCodeAt(i);
      if (c === 10) this.line++;
      switch (this.state) {
        case "code":
          if (c === 59 /* ; */) {
            this.buffer += chunk.slice(start, i);
            start = i + 1;
            this.emit(out);
          } else if (c === 47 /* / */) {
            this.state = "slash";
          } else if (c === 39 /* ' */) {
            this.markCode();
            this.state = "single";
            this.quoteLine = this.line;
          } else if (c === 34 /* " */) {
            this.markCode();
            this.state = "double";
            this.quoteLine = this.line;
          } else if (c === 96 /* ` */) {
            this.markCode();
            this.state = "backtick";
            this.quoteLine = this.line;
          } else if (c !== 32 && c !== 10 && c !== 13 && c !== 9) {
            this.markCode();
          }
          break;
        case "slash":
          if (c === 47) this.state = "lineComment";
          else if (c === 42 /* * */) this.state = "blockComment";
          else {
            // It was a division: the "/" is code, and this character is seen again as code.
            if (c === 10) this.line--;
            this.markCode();
            this.state = "code";
            i--;
          }
          break;
        case "lineComment":
          if (c === 10) this.state = "code";
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
            if (c === 10) this.line--;
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
    if (this.state === "slash") this.markCode();
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

  private markCode(): void {
    if (!this.hasCode) {
      this.hasCode = true;
      this.codeLine = this.line;
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
      out.push({ index: this.index, line: this.codeLine, text: this.buffer.trim() });
    }
    this.buffer = "";
    this.hasCode = false;
    this.codeLine = 0;
  }
}

/** The next position of a character in a chunk, each found by one indexOf however often asked. */
class NextPosition {
  // Indexed by the character's code: only the five the splitter jumps to are ever asked for.
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
