import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CypherSplitter,
  ScriptSyntaxError,
  codeOf,
  codeTokens,
  isAutoCommit,
  maxScriptStatementLength,
  splitStatements,
  type SplitterOptions,
  type Statement,
} from "../src/script/lexer.js";
import { prng } from "./helpers/prng.js";

/** A statement without where its code starts: what most cases below compare. */
type Split = Omit<Statement, "codeStart">;

function withoutCodeStart({ index, line, text }: Statement): Split {
  return { index, line, text };
}

/** Feeds the chunks one by one, then ends the input; returns every statement. */
function splitFull(chunks: readonly string[], options?: SplitterOptions): Statement[] {
  const splitter = new CypherSplitter(options);
  const out: Statement[] = [];
  for (const chunk of chunks) out.push(...splitter.push(chunk));
  out.push(...splitter.end());
  return out;
}

function split(chunks: readonly string[], options?: SplitterOptions): Split[] {
  return splitFull(chunks, options).map(withoutCodeStart);
}

function splitOne(text: string, options?: SplitterOptions): Split[] {
  return split([text], options);
}

function syntaxErrorOf(run: () => unknown): ScriptSyntaxError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ScriptSyntaxError, `expected a ScriptSyntaxError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected a ScriptSyntaxError");
}

async function* source(chunks: readonly (string | Buffer)[]): AsyncGenerator<string | Buffer> {
  for (const chunk of chunks) {
    await Promise.resolve();
    yield chunk;
  }
}

async function collect(chunks: readonly (string | Buffer)[], options?: SplitterOptions): Promise<Split[]> {
  const out: Split[] = [];
  for await (const statement of splitStatements(source(chunks), options))
    out.push(withoutCodeStart(statement));
  return out;
}

// A script with every construct that can hide a ";" or a comment marker.
const trickyLines = [
  "// header; comment with 'quote",
  "CREATE (a:`We;ird``Label` {name: 'it\\'s; fine', note: \"say \\\"hi\\\"; ok\", path: 'a\\\\'});",
  "/*/ block ; comment",
  "   spanning lines */ MATCH (n) RETURN n.x / 2 AS half, n.y/3 AS third;",
  "RETURN 'multi",
  "line; string' AS s, \"// not a comment\" AS t, '/* nor this */' AS u;",
  "MATCH (n) // trailing comment; with semicolon",
  "RETURN n;",
  "RETURN 1 /* inline; **/ + 2 AS `x//y`",
];
const tricky = trickyLines.join("\n");
const trickyExpected: Split[] = [
  {
    index: 1,
    line: 2,
    text: `${trickyLines[0]}\n${trickyLines[1]?.slice(0, -1)}`,
  },
  {
    index: 2,
    line: 4,
    text: `${trickyLines[2]}\n${trickyLines[3]?.slice(0, -1)}`,
  },
  {
    index: 3,
    line: 5,
    text: `${trickyLines[4]}\n${trickyLines[5]?.slice(0, -1)}`,
  },
  { index: 4, line: 7, text: `${trickyLines[6]}\nRETURN n` },
  { index: 5, line: 9, text: "RETURN 1 /* inline; **/ + 2 AS `x//y`" },
];

describe("CypherSplitter", () => {
  it("splits simple statements at semicolons", () => {
    assert.deepEqual(splitOne("A;B;"), [
      { index: 1, line: 1, text: "A" },
      { index: 2, line: 1, text: "B" },
    ]);
    assert.deepEqual(splitOne("MATCH (n)\nRETURN n;\n\nRETURN 2;\n"), [
      { index: 1, line: 1, text: "MATCH (n)\nRETURN n" },
      { index: 2, line: 4, text: "RETURN 2" },
    ]);
  });

  it("yields nothing for empty input, white space, or bare semicolons", () => {
    assert.deepEqual(splitOne(""), []);
    assert.deepEqual(splitOne(" \n\t\r\n"), []);
    assert.deepEqual(splitOne(";; ;\n;"), []);
    assert.deepEqual(splitOne(";;A;;B"), [
      { index: 1, line: 1, text: "A" },
      { index: 2, line: 1, text: "B" },
    ]);
  });

  it("returns a final statement that has no semicolon", () => {
    assert.deepEqual(splitOne("RETURN 1;\nRETURN 2"), [
      { index: 1, line: 1, text: "RETURN 1" },
      { index: 2, line: 2, text: "RETURN 2" },
    ]);
    assert.deepEqual(splitOne("  RETURN 3  \n"), [{ index: 1, line: 1, text: "RETURN 3" }]);
  });

  it("returns statements from push as soon as they are complete, and the rest from end", () => {
    const splitter = new CypherSplitter();
    assert.deepEqual(splitter.push("RETURN 1; RETUR").map(withoutCodeStart), [
      { index: 1, line: 1, text: "RETURN 1" },
    ]);
    assert.deepEqual(splitter.push("N 2").map(withoutCodeStart), []);
    assert.deepEqual(splitter.push(";RETURN 3").map(withoutCodeStart), [
      { index: 2, line: 1, text: "RETURN 2" },
    ]);
    assert.deepEqual(splitter.end().map(withoutCodeStart), [{ index: 3, line: 1, text: "RETURN 3" }]);
  });

  it("does not split at semicolons inside single- or double-quoted strings", () => {
    assert.deepEqual(splitOne("RETURN 'a;b' AS x; RETURN \"c;d\" AS y;"), [
      { index: 1, line: 1, text: "RETURN 'a;b' AS x" },
      { index: 2, line: 1, text: 'RETURN "c;d" AS y' },
    ]);
  });

  it("handles escaped quotes inside strings", () => {
    assert.deepEqual(splitOne("RETURN 'it\\'s; fine' AS a;RETURN 2;"), [
      { index: 1, line: 1, text: "RETURN 'it\\'s; fine' AS a" },
      { index: 2, line: 1, text: "RETURN 2" },
    ]);
    assert.deepEqual(splitOne('RETURN "say \\"hi\\"; ok" AS b;RETURN 2;'), [
      { index: 1, line: 1, text: 'RETURN "say \\"hi\\"; ok" AS b' },
      { index: 2, line: 1, text: "RETURN 2" },
    ]);
    // The other quote does not end a string.
    assert.deepEqual(splitOne("RETURN 'say \"; x' AS c, \"it's; y\" AS d;RETURN 2;"), [
      { index: 1, line: 1, text: "RETURN 'say \"; x' AS c, \"it's; y\" AS d" },
      { index: 2, line: 1, text: "RETURN 2" },
    ]);
  });

  it("ends a string after an escaped backslash", () => {
    assert.deepEqual(splitOne("RETURN 'a\\\\';RETURN 2;"), [
      { index: 1, line: 1, text: "RETURN 'a\\\\'" },
      { index: 2, line: 1, text: "RETURN 2" },
    ]);
    assert.deepEqual(splitOne('RETURN "\\\\";RETURN "\\\\\\"";'), [
      { index: 1, line: 1, text: 'RETURN "\\\\"' },
      { index: 2, line: 1, text: 'RETURN "\\\\\\""' },
    ]);
  });

  it("keeps newlines and comment markers inside strings as data, and counts their lines", () => {
    assert.deepEqual(splitOne("RETURN 'a\nb;c' AS x;\nRETURN '// no', '/* no', \"*/ no\";\nRETURN 3;"), [
      { index: 1, line: 1, text: "RETURN 'a\nb;c' AS x" },
      { index: 2, line: 3, text: "RETURN '// no', '/* no', \"*/ no\"" },
      { index: 3, line: 4, text: "RETURN 3" },
    ]);
  });

  it("does not split at semicolons inside backtick names, with `` as an escaped backtick", () => {
    assert.deepEqual(splitOne("MATCH (n:`a;b`) RETURN n;RETURN 1 AS `a``;b`;RETURN 2;"), [
      { index: 1, line: 1, text: "MATCH (n:`a;b`) RETURN n" },
      { index: 2, line: 1, text: "RETURN 1 AS `a``;b`" },
      { index: 3, line: 1, text: "RETURN 2" },
    ]);
    // A name ending in an escaped backtick, immediately followed by the terminator.
    assert.deepEqual(splitOne("RETURN 1 AS `a```;X;"), [
      { index: 1, line: 1, text: "RETURN 1 AS `a```" },
      { index: 2, line: 1, text: "X" },
    ]);
    // Quotes and comment markers inside a backtick name are part of the name.
    assert.deepEqual(splitOne("RETURN 1 AS `it's // /* ;`;RETURN 2;"), [
      { index: 1, line: 1, text: "RETURN 1 AS `it's // /* ;`" },
      { index: 2, line: 1, text: "RETURN 2" },
    ]);
  });

  it("ignores semicolons and quotes in line comments", () => {
    assert.deepEqual(
      splitOne("MATCH (n) // a comment; with 'quote\nRETURN n;\n// just ; a comment\nRETURN 2;"),
      [
        { index: 1, line: 1, text: "MATCH (n) // a comment; with 'quote\nRETURN n" },
        { index: 2, line: 4, text: "// just ; a comment\nRETURN 2" },
      ],
    );
  });

  it("ignores semicolons and quotes in block comments", () => {
    assert.deepEqual(splitOne("RETURN /* ; ' \" ` */ 1;/* a\n;\nb */RETURN 2;"), [
      { index: 1, line: 1, text: "RETURN /* ; ' \" ` */ 1" },
      { index: 2, line: 3, text: "/* a\n;\nb */RETURN 2" },
    ]);
    // "/*/" does not close the comment; "**/" does.
    assert.deepEqual(splitOne("/*/ ; */ RETURN 1 /** ; **/;"), [
      { index: 1, line: 1, text: "/*/ ; */ RETURN 1 /** ; **/" },
    ]);
  });

  it("does not count a comment-only tail or comment-only statement as a statement", () => {
    assert.deepEqual(splitOne("RETURN 1;\n// the end\n/* really; the end */\n"), [
      { index: 1, line: 1, text: "RETURN 1" },
    ]);
    assert.deepEqual(splitOne("/* nothing */;// nothing either\n;RETURN 1;"), [
      { index: 1, line: 2, text: "RETURN 1" },
    ]);
    assert.deepEqual(splitOne("// only a comment"), []);
    assert.deepEqual(splitOne("RETURN 1; /* unterminated, but only a comment"), [
      { index: 1, line: 1, text: "RETURN 1" },
    ]);
  });

  it("numbers statements and gives the line of the first code character, after leading comments", () => {
    assert.deepEqual(splitOne("\n\n  // c\n  /* d\n */ MATCH (n)\nRETURN n;\nRETURN 2;  RETURN 3;"), [
      { index: 1, line: 5, text: "// c\n  /* d\n */ MATCH (n)\nRETURN n" },
      { index: 2, line: 7, text: "RETURN 2" },
      { index: 3, line: 7, text: "RETURN 3" },
    ]);
    assert.deepEqual(splitOne("RETURN 1\n;\n\nRETURN 2\n\n;"), [
      { index: 1, line: 1, text: "RETURN 1" },
      { index: 2, line: 4, text: "RETURN 2" },
    ]);
  });

  it("treats a slash that does not start a comment as division", () => {
    assert.deepEqual(splitOne("RETURN 6 / 2;RETURN 6/2;RETURN 1/'2;3';"), [
      { index: 1, line: 1, text: "RETURN 6 / 2" },
      { index: 2, line: 1, text: "RETURN 6/2" },
      { index: 3, line: 1, text: "RETURN 1/'2;3'" },
    ]);
    assert.deepEqual(splitOne("RETURN 6 /\n2;"), [{ index: 1, line: 1, text: "RETURN 6 /\n2" }]);
    assert.deepEqual(splitOne("RETURN 6 /"), [{ index: 1, line: 1, text: "RETURN 6 /" }]);
    assert.deepEqual(splitOne("// c\n/ 2;"), [{ index: 1, line: 2, text: "// c\n/ 2" }]);
    assert.deepEqual(splitOne("RETURN 1 /;"), [{ index: 1, line: 1, text: "RETURN 1 /" }]);
  });

  it("gives the line of a statement whose first code character is a slash before a newline", () => {
    // "/" on line 2 is code (a division), so the statement starts on line 2.
    assert.deepEqual(splitOne("\n/\n2;"), [{ index: 1, line: 2, text: "/\n2" }]);
  });

  it("splits a tricky script as expected", () => {
    assert.deepEqual(splitOne(tricky), trickyExpected);
  });

  it("gives the same statements whatever the chunking: every two-chunk split", () => {
    for (let at = 0; at <= tricky.length; at++) {
      assert.deepEqual(split([tricky.slice(0, at), tricky.slice(at)]), trickyExpected, `split at ${at}`);
    }
  });

  it("gives the same statements whatever the chunking: one character at a time", () => {
    assert.deepEqual(split([...tricky.split("")]), trickyExpected);
    assert.deepEqual(split(["", ...tricky.split(""), ""]), trickyExpected);
  });

  it("gives the same statements whatever the chunking: 300 random chunkings", () => {
    const random = prng(360);
    for (let n = 0; n < 300; n++) {
      const chunks: string[] = [];
      let at = 0;
      while (at < tricky.length) {
        const size = Math.floor(random() * 12);
        chunks.push(tricky.slice(at, at + size));
        at += size;
      }
      assert.deepEqual(split(chunks), trickyExpected, JSON.stringify(chunks));
    }
  });

  it("refuses an unterminated string at the end, naming the line it started on", () => {
    const splitter = new CypherSplitter();
    assert.deepEqual(splitter.push("RETURN 1;\nRETURN 'abc;\nRETURN 2;\n").map(withoutCodeStart), [
      { index: 1, line: 1, text: "RETURN 1" },
    ]);
    const error = syntaxErrorOf(() => splitter.end());
    assert.equal(error.line, 2);
    assert.match(error.message, /unterminated string literal starting on line 2/);

    const double = syntaxErrorOf(() => splitOne('\n\n\nRETURN "abc;'));
    assert.equal(double.line, 4);
    assert.match(double.message, /unterminated string literal starting on line 4/);

    // Ending right after a backslash inside a string.
    const escape = syntaxErrorOf(() => splitOne("RETURN 'abc\\"));
    assert.equal(escape.line, 1);
    assert.match(escape.message, /unterminated string literal/);

    // An escaped quote does not close the string.
    assert.equal(syntaxErrorOf(() => splitOne("RETURN 'abc\\';")).line, 1);
  });

  it("refuses an unterminated backtick name", () => {
    const error = syntaxErrorOf(() => splitOne("RETURN 1;\n\nMATCH (n:`Label;\nRETURN n;"));
    assert.equal(error.line, 3);
    assert.match(error.message, /unterminated backtick name starting on line 3/);
    assert.match(syntaxErrorOf(() => splitOne("RETURN 1 AS `a``")).message, /unterminated backtick/);
  });

  it("refuses an unterminated block comment inside a statement", () => {
    const error = syntaxErrorOf(() => splitOne("RETURN 1 /* never\nclosed; "));
    assert.match(error.message, /unterminated \/\* comment/);
    assert.equal(error.line, 2);
  });

  it("refuses a statement that grows past maxStatementLength while streaming", () => {
    const splitter = new CypherSplitter({ maxStatementLength: 10 });
    assert.deepEqual(splitter.push("RETURN 1;\n").map(withoutCodeStart), [
      { index: 1, line: 1, text: "RETURN 1" },
    ]);
    const error = syntaxErrorOf(() => splitter.push("RETURN 'abcdef"));
    assert.equal(error.line, 2);
    assert.match(error.message, /statement 2 \(from line 2\) is longer than 10 characters/);
  });

  it("stops a runaway string as soon as the limit is passed, one character at a time", () => {
    const splitter = new CypherSplitter({ maxStatementLength: 20 });
    const text = `RETURN '${"x".repeat(100)}`;
    let failedAt = -1;
    for (let i = 0; i < text.length; i++) {
      try {
        splitter.push(text.charAt(i));
      } catch (error) {
        assert.ok(error instanceof ScriptSyntaxError);
        failedAt = i;
        break;
      }
    }
    assert.equal(failedAt, 20);
  });

  it("holds every reader to one limit unless told: an online load's, a bulk import's, a scan's", () => {
    const splitter = new CypherSplitter();
    const comment = `// ${"x".repeat(maxScriptStatementLength - 4)}\n`;
    assert.deepEqual(splitter.push(comment), []);
    const error = syntaxErrorOf(() => splitter.push("RETURN 1;"));
    assert.match(error.message, new RegExp(`is longer than ${maxScriptStatementLength} characters`));
  });

  it("accepts a statement exactly at maxStatementLength", () => {
    const splitter = new CypherSplitter({ maxStatementLength: 10 });
    assert.deepEqual(splitter.push("RETURN 123").map(withoutCodeStart), []);
    assert.deepEqual(splitter.push(";").map(withoutCodeStart), [{ index: 1, line: 1, text: "RETURN 123" }]);
    assert.deepEqual(splitOne("RETURN 123;RETURN 456;", { maxStatementLength: 10 }), [
      { index: 1, line: 1, text: "RETURN 123" },
      { index: 2, line: 1, text: "RETURN 456" },
    ]);
  });

  it("refuses a statement past maxStatementLength even when it arrives whole in one chunk", () => {
    const text = "RETURN 'abcdefghijklmnop';";
    // Char by char this is refused; the outcome must not depend on how the input was chunked.
    assert.ok(syntaxErrorOf(() => split(text.split(""), { maxStatementLength: 10 })));
    assert.ok(syntaxErrorOf(() => splitOne(text, { maxStatementLength: 10 })));
  });

  it("accepts a long statement under the default limit", () => {
    const long = `RETURN '${"x".repeat(1_000_000)}'`;
    const [statement, ...rest] = splitOne(`${long};`);
    assert.equal(rest.length, 0);
    assert.equal(statement?.text, long);
  });
});

describe("splitStatements", () => {
  const unicodeScript = "RETURN '李' AS a;\n// 😀 in a comment; é\nRETURN '😀' AS `é;李`;\nRETURN 'done'";
  const unicodeExpected: Split[] = [
    { index: 1, line: 1, text: "RETURN '李' AS a" },
    { index: 2, line: 3, text: "// 😀 in a comment; é\nRETURN '😀' AS `é;李`" },
    { index: 3, line: 4, text: "RETURN 'done'" },
  ];

  it("splits a stream of strings", async () => {
    assert.deepEqual(await collect(["RETURN 1; RET", "URN 'a;", "b';", "RETURN 3"]), [
      { index: 1, line: 1, text: "RETURN 1" },
      { index: 2, line: 1, text: "RETURN 'a;b'" },
      { index: 3, line: 1, text: "RETURN 3" },
    ]);
    assert.deepEqual(await collect([]), []);
  });

  it("decodes UTF-8 Buffers split inside a multi-byte character, at every byte position", async () => {
    const bytes = Buffer.from(unicodeScript, "utf8");
    assert.ok(bytes.length > unicodeScript.length, "the script has multi-byte characters");
    for (let at = 0; at <= bytes.length; at++) {
      const statements = await collect([bytes.subarray(0, at), bytes.subarray(at)]);
      assert.deepEqual(statements, unicodeExpected, `split at byte ${at}`);
    }
  });

  it("decodes UTF-8 Buffers fed one byte at a time", async () => {
    const bytes = Buffer.from(unicodeScript, "utf8");
    const chunks = [...bytes].map((byte) => Buffer.from([byte]));
    assert.deepEqual(await collect(chunks), unicodeExpected);
  });

  it("drops a UTF-8 byte order mark", async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    assert.deepEqual(await collect([Buffer.concat([bom, Buffer.from("// only a comment\n")])]), []);
    assert.deepEqual(await collect([bom, Buffer.from("RETURN 1;")]), [
      { index: 1, line: 1, text: "RETURN 1" },
    ]);
  });

  it("refuses invalid UTF-8", async () => {
    const invalid: number[][] = [
      [0xff], // never valid
      [0xc0, 0xaf], // overlong "/"
      [0xed, 0xa0, 0x80], // an encoded surrogate
      [0xe6, 0x41], // a lead byte without its continuation
      [0x80], // a stray continuation byte
    ];
    for (const bad of invalid) {
      await assert.rejects(
        collect([Buffer.from("RETURN 1;\nRETURN '"), Buffer.from(bad), Buffer.from("';\nRETURN 3;")]),
        TypeError,
        JSON.stringify(bad),
      );
    }
  });

  it("refuses a multi-byte character cut off at the end of the input", async () => {
    const cut = Buffer.from("李", "utf8").subarray(0, 2);
    await assert.rejects(collect([Buffer.from("RETURN 1;\nRETURN 2 // "), cut]));
  });

  it("yields statements lazily, before the input ends", async () => {
    const seen: Split[] = [];
    async function* failing(): AsyncGenerator<string> {
      await Promise.resolve();
      yield "RETURN 1;RETURN 2;RETU";
      throw new Error("source broke");
    }
    await assert.rejects(
      (async () => {
        for await (const statement of splitStatements(failing())) seen.push(withoutCodeStart(statement));
      })(),
      /source broke/,
    );
    assert.deepEqual(seen, [
      { index: 1, line: 1, text: "RETURN 1" },
      { index: 2, line: 1, text: "RETURN 2" },
    ]);
  });

  it("passes the options to the splitter and its errors to the reader", async () => {
    await assert.rejects(
      collect(["RETURN '", "x".repeat(50)], { maxStatementLength: 20 }),
      ScriptSyntaxError,
    );
    await assert.rejects(collect(["RETURN 1;\nRETURN 'open"]), (error: unknown) => {
      assert.ok(error instanceof ScriptSyntaxError);
      assert.equal(error.line, 2);
      return true;
    });
  });
});

describe("Cypher 5's line ends", () => {
  it("ends a line comment at a lone CR, as Neo4j does: nothing hides behind it", () => {
    const statements = splitFull(["CREATE (:A);\n// note\rCREATE (:Hidden);"]);
    assert.deepEqual(statements.map(withoutCodeStart), [
      { index: 1, line: 1, text: "CREATE (:A)" },
      { index: 2, line: 3, text: "// note\rCREATE (:Hidden)" },
    ]);
    assert.equal(codeOf(statements[1] as Statement), "CREATE (:Hidden)");
  });

  it("ends it at LF and CRLF too, and counts CRLF as one line break", () => {
    assert.deepEqual(splitOne("RETURN 1;\r\nRETURN 2;\r\n// c\r\nRETURN 3;\n// d\nRETURN 4"), [
      { index: 1, line: 1, text: "RETURN 1" },
      { index: 2, line: 2, text: "RETURN 2" },
      { index: 3, line: 4, text: "// c\r\nRETURN 3" },
      { index: 4, line: 6, text: "// d\nRETURN 4" },
    ]);
  });

  it("counts a CRLF split between chunks once, and CRs inside strings and names", () => {
    const expected = [
      { index: 1, line: 1, text: "RETURN 1" },
      { index: 2, line: 2, text: "RETURN 'a\rb\r\nc' AS `x\ry`" },
      { index: 3, line: 6, text: "RETURN 3" },
    ];
    const text = "RETURN 1;\r\nRETURN 'a\rb\r\nc' AS `x\ry`;\r\nRETURN 3";
    for (let at = 0; at <= text.length; at++)
      assert.deepEqual(split([text.slice(0, at), text.slice(at)]), expected, `split at ${at}`);
    assert.deepEqual(split(text.split("")), expected);
  });

  it("says where each statement's code starts, after its comments", () => {
    const [first, second, third] = splitFull([
      "// a\r\n/* b; */ RETURN 1;\n  // c\r  RETURN 2 // d\n;RETURN 3",
    ]);
    assert.equal(codeOf(first as Statement), "RETURN 1");
    assert.equal(codeOf(second as Statement), "RETURN 2 // d");
    assert.equal(second?.text, "// c\r  RETURN 2 // d");
    assert.equal(third?.codeStart, 0);
    // Chunk boundaries do not move it.
    const text = "// x\nRETURN 1 / 2;/* y */\n/ 3;";
    const whole = splitFull([text]);
    for (let at = 0; at <= text.length; at++)
      assert.deepEqual(splitFull([text.slice(0, at), text.slice(at)]), whole);
    assert.deepEqual(whole.map(codeOf), ["RETURN 1 / 2", "/ 3"]);
  });
});

describe("codeTokens and isAutoCommit", () => {
  it("gives code words and punctuation, strings and names as one token each, no comments", () => {
    assert.deepEqual(
      [...codeTokens("MATCH (n:`a;b`) // x\rWHERE n.x = 'it\\'s' /* y */ RETURN $p, 1.5")],
      [
        "MATCH",
        "(",
        "n",
        ":",
        "`",
        ")",
        "WHERE",
        "n",
        ".",
        "x",
        "=",
        "'",
        "RETURN",
        "$p",
        ",",
        "1",
        ".",
        "5",
      ],
    );
  });

  it("finds CALL { } IN [[n] CONCURRENT] TRANSACTIONS in the code, in any case", () => {
    for (const text of [
      "MATCH (n) CALL { WITH n DELETE n } IN TRANSACTIONS",
      "UNWIND $rows AS r CALL { WITH r CREATE (:X) } IN TRANSACTIONS OF 10 ROWS",
      "CALL { CREATE () } in concurrent transactions",
      "CALL (x) { CREATE () } IN 4 CONCURRENT TRANSACTIONS OF 1 ROW",
      "CALL { CREATE () }\r\n// why\rIN $n CONCURRENT TRANSACTIONS",
      "CALL { CREATE () } IN /* soon */ TRANSACTIONS",
    ])
      assert.equal(isAutoCommit(text), true, text);
  });

  it("does not find it in strings, names or comments, or where IN is a list test", () => {
    for (const text of [
      "RETURN 'CALL { } IN TRANSACTIONS' AS s",
      'RETURN "} IN TRANSACTIONS" AS s',
      "RETURN 1 AS `} IN TRANSACTIONS`",
      "RETURN 1 // } IN TRANSACTIONS",
      "RETURN 1 // x\n/* } IN TRANSACTIONS */",
      "MATCH (n) WHERE n.x IN transactions RETURN n",
      "WITH {a: 1} AS m WITH m, [1] AS transactions WHERE 1 IN transactions RETURN m",
      "CALL { CREATE () } IN x TRANSACTIONS",
    ])
      assert.equal(isAutoCommit(text), false, text);
  });
});
