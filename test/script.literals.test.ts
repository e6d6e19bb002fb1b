import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  EncodeError,
  commentText,
  cypherString,
  encodeValue,
  escapeText,
  floatLiteral,
  isPlainIdentifier,
  propertyKeyProblem,
  quoteName,
  type ValueKind,
} from "../src/script/literals.js";
import { CypherSplitter } from "../src/script/lexer.js";
import { prng } from "./helpers/prng.js";

/**
 * A reference decoder for the Cypher string literals c360 writes: single-quoted, with the escapes
 * \\ \' \" \n \r \t \b \f and \uXXXX (a high surrogate followed by an escaped low one is one
 * astral character). Anything else (a raw quote, an unknown escape) is an error.
 */
function decodeLiteral(literal: string): string {
  assert.ok(literal.length >= 2, `too short to be a literal: ${literal}`);
  assert.equal(literal[0], "'", `does not start with a quote: ${literal}`);
  assert.equal(literal[literal.length - 1], "'", `does not end with a quote: ${literal}`);
  const body = literal.slice(1, -1);
  const simple: Record<string, string> = {
    "\\": "\\",
    "'": "'",
    '"': '"',
    n: "\n",
    r: "\r",
    t: "\t",
    b: "\b",
    f: "\f",
  };
  const hexAt = (at: number): number => {
    const hex = body.slice(at, at + 4);
    if (!/^[0-9A-Fa-f]{4}$/.test(hex)) throw new Error(`bad \\u escape at ${at} in ${literal}`);
    return parseInt(hex, 16);
  };
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body.charAt(i);
    if (c === "'") throw new Error(`raw quote at ${i} in ${literal}`);
    if (c !== "\\") {
      out += c;
      continue;
    }
    i++;
    if (i >= body.length) throw new Error(`dangling backslash in ${literal}`);
    const e = body.charAt(i);
    const named = simple[e];
    if (named !== undefined) {
      out += named;
      continue;
    }
    if (e !== "u") throw new Error(`unknown escape \\${e} in ${literal}`);
    const unit = hexAt(i + 1);
    i += 4;
    if (unit >= 0xd800 && unit <= 0xdbff && body.slice(i + 1, i + 3) === "\\u") {
      const low = hexAt(i + 3);
      if (low >= 0xdc00 && low <= 0xdfff) {
        out += String.fromCodePoint(0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00));
        i += 6;
        continue;
      }
    }
    out += String.fromCharCode(unit);
  }
  return out;
}

/** Code units that must never appear raw in a literal or comment c360 writes. */
function forbiddenRaw(c: number): boolean {
  return (
    c < 0x20 || // C0 controls, including every line break
    (c >= 0x7f && c <= 0x9f) || // DEL and C1 (NEL is 0x85)
    c === 0xad || // soft hyphen
    c === 0x061c || // Arabic letter mark
    c === 0x180e || // Mongolian vowel separator
    (c >= 0x200b && c <= 0x200f) || // zero-width characters, LRM, RLM
    (c >= 0x2028 && c <= 0x202e) || // line/paragraph separators, bidi embeddings and overrides
    (c >= 0x2060 && c <= 0x206f) || // word joiner, invisible operators, bidi isolates
    c === 0xfeff || // BOM / zero-width no-break space
    c >= 0xfff0 || // specials and noncharacters
    (c >= 0xd800 && c <= 0xdfff) // surrogates: astral characters must be escaped pairs
  );
}

function hex4(c: number): string {
  return c.toString(16).toUpperCase().padStart(4, "0");
}

function encodeErrorOf(run: () => unknown): EncodeError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof EncodeError, `expected an EncodeError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected an EncodeError");
}

const nastyPieces = [
  "'",
  '"',
  "\\",
  "\\'",
  "\\u0041",
  "''",
  "\n",
  "\r\n",
  "\r",
  "\t",
  "\b",
  "\f",
  "\v",
  "\0",
  "\u001b",
  "\u001f",
  ";",
  "`",
  "//",
  "/*",
  "*/",
  "\u007f",
  "\u0080",
  "\u0085",
  "\u009f",
  "\u00a0",
  "\u00ad",
  "\u061c",
  "\u180e",
  "\u200b",
  "\u200d",
  "\u200e",
  "\u200f",
  "\u2028",
  "\u2029",
  "\u202a",
  "\u202b",
  "\u202c",
  "\u202d",
  "\u202e",
  "\u2060",
  "\u2066",
  "\u2067",
  "\u2068",
  "\u2069",
  "\ufeff",
  "\ufffd",
  "\uffff",
  "\ud800",
  "\udfff",
  "é",
  "李",
  "Ä",
  "😀",
  "𝄞",
  "👩‍💻",
];

function randomString(random: () => number): string {
  const length = Math.floor(random() * 40);
  let text = "";
  for (let i = 0; i < length; i++) {
    const pick = random();
    if (pick < 0.45) {
      text += nastyPieces[Math.floor(random() * nastyPieces.length)] ?? "";
    } else if (pick < 0.7) {
      text += String.fromCharCode(0x20 + Math.floor(random() * 0x5f)); // printable ASCII
    } else if (pick < 0.9) {
      text += String.fromCharCode(Math.floor(random() * 0x10000)); // any BMP unit, lone surrogates too
    } else {
      text += String.fromCodePoint(0x10000 + Math.floor(random() * 0x100000)); // astral
    }
  }
  return text;
}

describe("Cypher string literals", () => {
  it("delimits with single quotes and leaves plain text alone", () => {
    assert.equal(cypherString("hello world"), "'hello world'");
    assert.equal(cypherString(""), "''");
    assert.equal(escapeText("plain text 123"), "plain text 123");
  });

  it("escapes the quote and the backslash, not the double quote", () => {
    assert.equal(cypherString("it's"), "'it\\'s'");
    assert.equal(cypherString("a\\b"), "'a\\\\b'");
    assert.equal(cypherString("\\'"), "'\\\\\\''");
    assert.equal(cypherString("trailing\\"), "'trailing\\\\'");
    assert.equal(cypherString('say "hi"'), "'say \"hi\"'");
    assert.equal(cypherString("''"), "'\\'\\''");
  });

  it("uses the short escapes for \\n \\r \\t \\b \\f", () => {
    assert.equal(cypherString("a\nb"), "'a\\nb'");
    assert.equal(cypherString("a\r\nb"), "'a\\r\\nb'");
    assert.equal(cypherString("\t"), "'\\t'");
    assert.equal(cypherString("\b"), "'\\b'");
    assert.equal(cypherString("\f"), "'\\f'");
  });

  it("escapes every C0 control character", () => {
    const named: Record<number, string> = { 8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r" };
    for (let c = 0; c <= 0x1f; c++) {
      const expected = named[c] ?? `\\u${hex4(c)}`;
      assert.equal(escapeText(String.fromCharCode(c)), expected, `U+${hex4(c)}`);
      assert.equal(cypherString(`x${String.fromCharCode(c)}y`), `'x${expected}y'`, `U+${hex4(c)}`);
    }
    assert.equal(escapeText("\0"), "\\u0000");
    assert.equal(escapeText("\v"), "\\u000B");
    assert.equal(escapeText("\u001b[31m"), "\\u001B[31m");
  });

  it("escapes DEL and every C1 control character, and nothing just outside that range", () => {
    for (let c = 0x7f; c <= 0x9f; c++) {
      assert.equal(escapeText(String.fromCharCode(c)), `\\u${hex4(c)}`, `U+${hex4(c)}`);
    }
    assert.equal(escapeText("\u0085"), "\\u0085");
    assert.equal(escapeText("~"), "~");
    assert.equal(escapeText("\u00a0"), "\u00a0");
    assert.equal(escapeText("\u00a1"), "\u00a1");
  });

  it("escapes the Unicode line and paragraph separators", () => {
    assert.equal(cypherString("a\u2028b\u2029c"), "'a\\u2028b\\u2029c'");
  });

  it("escapes bidirectional controls, so a reviewer sees the real order", () => {
    for (let c = 0x202a; c <= 0x202e; c++) {
      assert.equal(escapeText(String.fromCharCode(c)), `\\u${hex4(c)}`, `U+${hex4(c)}`);
    }
    for (let c = 0x2066; c <= 0x2069; c++) {
      assert.equal(escapeText(String.fromCharCode(c)), `\\u${hex4(c)}`, `U+${hex4(c)}`);
    }
    assert.equal(escapeText("\u200e\u200f\u061c"), "\\u200E\\u200F\\u061C");
    // The "Trojan Source" trick: an override that makes code look like a comment.
    assert.equal(cypherString("admin\u202e // \u2066x"), "'admin\\u202E // \\u2066x'");
  });

  it("escapes invisible characters: BOM, zero-width, soft hyphen, specials", () => {
    assert.equal(escapeText("\ufeff"), "\\uFEFF");
    assert.equal(escapeText("a\u200bb"), "a\\u200Bb");
    assert.equal(escapeText("\u200d"), "\\u200D");
    assert.equal(escapeText("\u00ad"), "\\u00AD");
    assert.equal(escapeText("\u2060"), "\\u2060");
    assert.equal(escapeText("\ufffd\uffff"), "\\uFFFD\\uFFFF");
  });

  it("writes astral characters as escaped surrogate pairs", () => {
    assert.equal(cypherString("😀"), "'\\uD83D\\uDE00'");
    assert.equal(cypherString("a𝄞b"), "'a\\uD834\\uDD1Eb'");
    // A zero-width joiner sequence: every part escaped.
    assert.equal(escapeText("👩‍💻"), "\\uD83D\\uDC69\\u200D\\uD83D\\uDCBB");
  });

  it("escapes lone surrogates one by one", () => {
    assert.equal(escapeText("\ud800"), "\\uD800");
    assert.equal(escapeText("x\udfffy"), "x\\uDFFFy");
  });

  it("keeps ordinary non-ASCII letters literal", () => {
    assert.equal(cypherString("é"), "'é'");
    assert.equal(cypherString("李"), "'李'");
    assert.equal(cypherString("Größe Ärger"), "'Größe Ärger'");
    assert.equal(cypherString("Привет мир"), "'Привет мир'");
    assert.equal(cypherString("مرحبا"), "'مرحبا'");
    assert.equal(cypherString("日本語テキスト"), "'日本語テキスト'");
  });

  it("leaves semicolons, backticks and comment markers as they are inside a string", () => {
    assert.equal(cypherString("a;b`c//d/*e*/"), "'a;b`c//d/*e*/'");
  });

  it("round-trips 2000 pseudo-random nasty strings through a reference decoder and the splitter", () => {
    const random = prng(0xc360);
    const seen = new Set<string>();
    for (let n = 0; n < 2000; n++) {
      const input = randomString(random);
      for (const piece of nastyPieces) if (input.includes(piece)) seen.add(piece);
      const literal = cypherString(input);
      const where = `case ${n}: ${JSON.stringify(input)} -> ${JSON.stringify(literal)}`;

      assert.equal(literal, `'${escapeText(input)}'`, where);
      for (let i = 0; i < literal.length; i++) {
        const c = literal.charCodeAt(i);
        assert.ok(!forbiddenRaw(c), `raw U+${hex4(c)} at ${i} in ${where}`);
      }
      assert.doesNotMatch(literal, /[\n\r]/, where);
      assert.equal(decodeLiteral(literal), input, where);

      // No data can end the statement it is in: the splitter sees exactly one statement.
      const statement = `RETURN ${literal} AS v`;
      const splitter = new CypherSplitter();
      const statements = [...splitter.push(`${statement};\n`), ...splitter.end()];
      assert.deepEqual(statements, [{ index: 1, line: 1, text: statement, codeStart: 0 }], where);
    }
    assert.deepEqual(
      nastyPieces.filter((piece) => !seen.has(piece)),
      [],
      "every nasty piece was generated at least once",
    );
  });
});

describe("comment text", () => {
  it("is a single line whatever the input", () => {
    assert.equal(commentText("a\nb\r\nc"), "a\\nb\\r\\nc");
    assert.equal(commentText("x\u2028y\u2029z\u0085"), "x\\u2028y\\u2029z\\u0085");
    assert.equal(commentText("public.customers"), "public.customers");
  });

  it("cannot end the comment or hide code, for 500 pseudo-random strings", () => {
    const random = prng(42);
    for (let n = 0; n < 500; n++) {
      const input = randomString(random);
      const text = commentText(input);
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        assert.ok(!forbiddenRaw(c), `raw U+${hex4(c)} in comment for ${JSON.stringify(input)}`);
      }
      const splitter = new CypherSplitter();
      const statements = [...splitter.push(`// ${text}\nRETURN 1;`), ...splitter.end()];
      assert.deepEqual(
        statements,
        [{ index: 1, line: 2, text: `// ${text}\nRETURN 1`, codeStart: text.length + 4 }],
        JSON.stringify(input),
      );
    }
  });
});

describe("identifiers and property keys", () => {
  it("accepts plain identifiers", () => {
    for (const name of ["Account", "_x1", "a", "_", "Customer360", "HAS_ACCOUNT", "A".repeat(200)]) {
      assert.equal(isPlainIdentifier(name), true, name);
    }
  });

  it("rejects anything that is not a plain identifier", () => {
    for (const name of [
      "1abc",
      "a b",
      "a-b",
      "a`b",
      "",
      "Ä",
      "é",
      "a.b",
      "a;b",
      "abc\n",
      "\nabc",
      " abc",
      "a\u200bb",
      "A".repeat(201),
    ]) {
      assert.equal(isPlainIdentifier(name), false, JSON.stringify(name));
    }
  });

  it("refuses property keys with backticks, controls, invisible characters or edge white space", () => {
    assert.equal(propertyKeyProblem(""), "is empty");
    assert.equal(propertyKeyProblem("a`b"), "contains a backtick");
    assert.equal(propertyKeyProblem("`"), "contains a backtick");
    const invisible = "contains a control, invisible or direction-changing character";
    for (const name of [
      "a\nb",
      "a\tb",
      "a\u0000",
      "\u007f",
      "a\u0085b",
      "a\u200bb",
      "a\u202eb",
      "a\u2066b",
      "a\u2028b",
      "\ufeffid",
      "😀",
    ]) {
      assert.equal(propertyKeyProblem(name), invisible, JSON.stringify(name));
    }
    const edge = "starts or ends with white space";
    for (const name of [" a", "a ", " ", "\u00a0id", "id\u3000"]) {
      assert.equal(propertyKeyProblem(name), edge, JSON.stringify(name));
    }
  });

  it("accepts property keys with inner spaces, quotes, semicolons and non-ASCII letters", () => {
    for (const name of [
      "id",
      "first name",
      "it's",
      'say "hi"',
      "a;b",
      "a\\b",
      "größe",
      "李",
      "Ä",
      "price (€)",
      "MATCH (n) DETACH DELETE n; //",
    ]) {
      assert.equal(propertyKeyProblem(name), undefined, JSON.stringify(name));
    }
  });

  it("backtick-quotes names, doubling backticks", () => {
    assert.equal(quoteName("Account"), "`Account`");
    assert.equal(quoteName("first name"), "`first name`");
    assert.equal(quoteName("a`b"), "`a``b`");
    assert.equal(quoteName("``"), "``````");
    assert.equal(quoteName("a;b"), "`a;b`");
  });
});

describe("float literals", () => {
  it("gives integral values a decimal point", () => {
    assert.equal(floatLiteral(1), "1.0");
    assert.equal(floatLiteral(0), "0.0");
    assert.equal(floatLiteral(-3), "-3.0");
    assert.equal(floatLiteral(1e20), "100000000000000000000.0");
    assert.equal(floatLiteral(1.5), "1.5");
    assert.equal(floatLiteral(-0.25), "-0.25");
    assert.equal(floatLiteral(0.1 + 0.2), "0.30000000000000004");
  });

  it("writes exponents with E", () => {
    assert.equal(floatLiteral(1e21), "1E21");
    assert.equal(floatLiteral(1e-7), "1E-7");
    assert.equal(floatLiteral(-2.5e-10), "-2.5E-10");
    assert.equal(floatLiteral(1.5e300), "1.5E300");
    assert.equal(floatLiteral(Number.MAX_VALUE), "1.7976931348623157E308");
    assert.equal(floatLiteral(Number.MIN_VALUE), "5E-324");
  });

  it("keeps negative zero", () => {
    assert.equal(floatLiteral(-0), "-0.0");
  });

  it("writes NaN and the infinities as toFloat calls", () => {
    assert.equal(floatLiteral(NaN), "toFloat('NaN')");
    assert.equal(floatLiteral(Infinity), "toFloat('Infinity')");
    assert.equal(floatLiteral(-Infinity), "toFloat('-Infinity')");
  });

  it("always writes a float (with . or E) that reads back as the same number", () => {
    const random = prng(7);
    const buffer = new DataView(new ArrayBuffer(8));
    for (let n = 0; n < 2000; n++) {
      buffer.setUint32(0, Math.floor(random() * 0x100000000));
      buffer.setUint32(4, Math.floor(random() * 0x100000000));
      const value = buffer.getFloat64(0);
      if (!Number.isFinite(value)) continue;
      const text = floatLiteral(value);
      assert.match(text, /^-?\d+(?:\.\d+)?(?:E-?\d+)?$/, `${value}`);
      assert.match(text, /[.E]/, `${value}`);
      assert.ok(Object.is(Number(text), value), `${text} reads back as ${Number(text)}, not ${value}`);
    }
  });
});

describe("encodeValue", () => {
  const encode = (kind: ValueKind, text: string): string => encodeValue(kind, text);

  it("writes integers as they are, across the whole 64-bit range", () => {
    assert.equal(encode("integer", "0"), "0");
    assert.equal(encode("integer", "42"), "42");
    assert.equal(encode("integer", "-17"), "-17");
    assert.equal(encode("integer", "9223372036854775807"), "9223372036854775807");
    assert.equal(encode("integer", "-9223372036854775808"), "-9223372036854775808");
  });

  it("refuses integer text that is not an integer", () => {
    for (const text of ["1.5", "", " 1", "1 ", "+1", "1e3", "abc", "0x10", "1;", "--1", "NaN"]) {
      const error = encodeErrorOf(() => encode("integer", text));
      assert.match(error.message, /not an integer/, JSON.stringify(text));
    }
  });

  it("writes floats and numerics as float literals", () => {
    assert.equal(encode("float", "1.5"), "1.5");
    assert.equal(encode("float", "1e+300"), "1E300");
    assert.equal(encode("float", "1.23e-7"), "1.23E-7");
    assert.equal(encode("float", "NaN"), "toFloat('NaN')");
    assert.equal(encode("float", "Infinity"), "toFloat('Infinity')");
    assert.equal(encode("float", "-Infinity"), "toFloat('-Infinity')");
    assert.equal(encode("float", "-0"), "-0.0");
    assert.equal(encode("float", "123.450"), "123.45");
    assert.equal(encode("float", "100"), "100.0");
    assert.equal(encode("float", "-0.001"), "-0.001");
  });

  it("writes booleans from PostgreSQL's t and f", () => {
    assert.equal(encode("boolean", "t"), "true");
    assert.equal(encode("boolean", "f"), "false");
    assert.equal(encode("boolean", "true"), "true");
    assert.equal(encode("boolean", "false"), "false");
    for (const text of ["T", "yes", "1", "", "tru"]) {
      assert.match(encodeErrorOf(() => encode("boolean", text)).message, /not a boolean/, text);
    }
  });

  it("writes strings and JSON as escaped string literals", () => {
    assert.equal(encode("string", "O'Brien\nline 2"), "'O\\'Brien\\nline 2'");
    assert.equal(encode("string", ""), "''");
    assert.equal(
      encode("string", "'; MATCH (n) DETACH DELETE n; //"),
      "'\\'; MATCH (n) DETACH DELETE n; //'",
    );
    assert.equal(encode("json", '{"a": "b\'c", "d": [1, 2]}'), '\'{"a": "b\\\'c", "d": [1, 2]}\'');
    assert.equal(encode("json", '"\\u0000"'), "'\"\\\\u0000\"'");
  });

  it("writes bytea (hex output) as a base64 string", () => {
    assert.equal(encode("bytes", "\\x0102ff"), "'AQL/'");
    assert.equal(encode("bytes", "\\x"), "''");
    assert.equal(encode("bytes", "\\xDEADBEEF"), "'3q2+7w=='");
    assert.equal(encode("bytes", "\\x00"), "'AA=='");
    for (const text of ["\\x0", "\\xzz", "0102ff", "\\001\\002", ""]) {
      assert.match(encodeErrorOf(() => encode("bytes", text)).message, /hex output format/, text);
    }
  });

  it("writes dates, with astronomical BC years and signed five-digit years", () => {
    assert.equal(encode("date", "2025-01-02"), "date('2025-01-02')");
    assert.equal(encode("date", "0044-03-15 BC"), "date('-0043-03-15')");
    assert.equal(encode("date", "0001-01-01 BC"), "date('0000-01-01')");
    assert.equal(encode("date", "4714-11-24 BC"), "date('-4713-11-24')");
    assert.equal(encode("date", "0001-01-01"), "date('0001-01-01')");
    assert.equal(encode("date", "9999-12-31"), "date('9999-12-31')");
    assert.equal(encode("date", "10000-01-01"), "date('+10000-01-01')");
    assert.equal(encode("date", "infinity"), "date('+999999999-12-31')");
    assert.equal(encode("date", "-infinity"), "date('-999999999-01-01')");
    for (const text of ["2025-1-2", "01/02/2025", "2025-01-02 00:00:00", "", "Infinity"]) {
      assert.match(encodeErrorOf(() => encode("date", text)).message, /not a PostgreSQL date/, text);
    }
  });

  it("writes timestamps with time zone as datetimes, keeping the offset", () => {
    assert.equal(
      encode("datetime", "2025-01-01 06:30:00.123456+00"),
      "datetime('2025-01-01T06:30:00.123456Z')",
    );
    assert.equal(encode("datetime", "2025-01-01 06:30:00+00"), "datetime('2025-01-01T06:30:00Z')");
    assert.equal(encode("datetime", "0001-12-31 23:59:59+00"), "datetime('0001-12-31T23:59:59Z')");
    assert.equal(encode("datetime", "2025-01-01 06:30:00+05:30"), "datetime('2025-01-01T06:30:00+05:30')");
    assert.equal(encode("datetime", "2025-01-01 06:30:00+05"), "datetime('2025-01-01T06:30:00+05:00')");
    assert.equal(encode("datetime", "2025-01-01 06:30:00-08"), "datetime('2025-01-01T06:30:00-08:00')");
    assert.equal(
      encode("datetime", "0044-03-15 12:00:00+00:53:28 BC"),
      "datetime('-0043-03-15T12:00:00+00:53')",
    );
    assert.equal(encode("datetime", "10000-01-01 00:00:00+00"), "datetime('+10000-01-01T00:00:00Z')");
    assert.equal(encode("datetime", "infinity"), "datetime('+999999999-12-31T23:59:59.999999999Z')");
    assert.equal(encode("datetime", "-infinity"), "datetime('-999999999-01-01T00:00:00Z')");
    const malformed = ["2025-01-01T06:30:00Z", "2025-01-01 06:30+00", "2025-01-01", ""];
    // The shape of the common case, with one character wrong.
    for (const [i, c] of [
      [0, "x"],
      [4, "/"],
      [10, "T"],
      [13, "."],
      [18, "'"],
      [19, "0"],
      [21, "x"],
    ] as const) {
      malformed.push(`${"2025-01-01 06:30:00+00".slice(0, i)}${c}${"2025-01-01 06:30:00+00".slice(i + 1)}`);
    }
    for (const text of malformed) {
      assert.match(encodeErrorOf(() => encode("datetime", text)).message, /not a PostgreSQL timestamp/, text);
    }
  });

  it("writes timestamps without time zone as localdatetimes", () => {
    assert.equal(encode("localdatetime", "2025-01-01 06:30:00"), "localdatetime('2025-01-01T06:30:00')");
    assert.equal(encode("localdatetime", "2025-01-01 06:30:00.5"), "localdatetime('2025-01-01T06:30:00.5')");
    assert.equal(encode("localdatetime", "0044-03-15 00:00:00 BC"), "localdatetime('-0043-03-15T00:00:00')");
    assert.equal(encode("localdatetime", "infinity"), "localdatetime('+999999999-12-31T23:59:59.999999999')");
    assert.equal(encode("localdatetime", "-infinity"), "localdatetime('-999999999-01-01T00:00:00')");
    assert.ok(encodeErrorOf(() => encode("localdatetime", "2025-01-01T06:30:00")));
    assert.ok(encodeErrorOf(() => encode("localdatetime", "2025-01-01 06:30:0'")));
  });

  it("writes times without time zone as localtimes, 24:00 as the last instant", () => {
    assert.equal(encode("localtime", "06:30:00"), "localtime('06:30:00')");
    assert.equal(encode("localtime", "06:30:00.123456"), "localtime('06:30:00.123456')");
    assert.equal(encode("localtime", "24:00:00"), "localtime('23:59:59.999999999')");
    for (const text of ["6:30:00", "06:30", "06:30:00+00", ""]) {
      assert.match(encodeErrorOf(() => encode("localtime", text)).message, /not a PostgreSQL time/, text);
    }
  });

  it("writes times with time zone as times, with a minutes offset and no offset seconds", () => {
    assert.equal(encode("time", "12:00:00-08"), "time('12:00:00-08:00')");
    assert.equal(encode("time", "12:00:00+05:30"), "time('12:00:00+05:30')");
    assert.equal(encode("time", "12:00:00+05:30:15"), "time('12:00:00+05:30')");
    assert.equal(encode("time", "12:00:00.25+00"), "time('12:00:00.25+00:00')");
    assert.equal(encode("time", "24:00:00+00"), "time('23:59:59.999999999+00:00')");
    for (const text of ["12:00:00", "12:00-08", "12:00:00 PST", ""]) {
      assert.match(
        encodeErrorOf(() => encode("time", text)).message,
        /not a PostgreSQL time with time zone/,
        text,
      );
    }
  });

  it("writes ISO 8601 intervals as durations and refuses other interval styles", () => {
    assert.equal(encode("duration", "P1Y2M3DT4H5M6.5S"), "duration('P1Y2M3DT4H5M6.5S')");
    assert.equal(encode("duration", "P-10M-3DT-4H-5M-6.5S"), "duration('P-10M-3DT-4H-5M-6.5S')");
    assert.equal(encode("duration", "PT0S"), "duration('PT0S')");
    assert.equal(encode("duration", "P1D"), "duration('P1D')");
    assert.equal(encode("duration", "PT0.000001S"), "duration('PT0.000001S')");
    for (const text of ["1 day", "@ 1 day", "1 day 02:00:00", "P1W", "p1d", ""]) {
      assert.match(encodeErrorOf(() => encode("duration", text)).message, /iso_8601/, text);
    }
  });

  it("writes arrays as lists, dropping NULL elements", () => {
    assert.equal(encode({ list: "integer" }, '["1",null,"3"]'), "[1, 3]");
    assert.equal(encode({ list: "integer" }, "[]"), "[]");
    assert.equal(encode({ list: "integer" }, "[null,null]"), "[]");
    assert.equal(encode({ list: "float" }, '["1","NaN","-0"]'), "[1.0, toFloat('NaN'), -0.0]");
    assert.equal(encode({ list: "boolean" }, '["t","f"]'), "[true, false]");
    assert.equal(
      encode({ list: "date" }, '["2025-01-02","infinity"]'),
      "[date('2025-01-02'), date('+999999999-12-31')]",
    );
    assert.equal(encode({ list: "bytes" }, JSON.stringify(["\\x0102ff"])), "['AQL/']");
  });

  it("escapes each string element of a list", () => {
    assert.equal(
      encode({ list: "string" }, JSON.stringify(["it's", 'a"b;', null, "x\ny", "😀"])),
      "['it\\'s', 'a\"b;', 'x\\ny', '\\uD83D\\uDE00']",
    );
  });

  it("stores a multi-dimensional array as the string of its JSON text", () => {
    assert.equal(encode({ list: "integer" }, '[["1","2"],["3","4"]]'), '\'[["1","2"],["3","4"]]\'');
    assert.equal(encode({ list: "string" }, '[["it\'s"]]'), "'[[\"it\\'s\"]]'");
  });

  it("refuses a list whose elements are not of the kind, or that is not a JSON array", () => {
    assert.match(encodeErrorOf(() => encode({ list: "integer" }, '["1","x"]')).message, /not an integer/);
    assert.match(encodeErrorOf(() => encode({ list: "integer" }, '{"a":"1"}')).message, /JSON array/);
    assert.match(encodeErrorOf(() => encode({ list: "string" }, '"abc"')).message, /JSON array/);
  });
});
