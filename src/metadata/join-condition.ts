/**
 * join_condition is configuration, not code: it is parsed into a restricted form (equalities
 * between `alias.property` terms joined by AND) and c360 writes the Cypher itself. Anything else
 * is refused, so a control-database row can never smuggle Cypher into the script.
 */

export interface PropertyRef {
  alias: string;
  property: string;
}

export interface JoinEquality {
  left: PropertyRef;
  right: PropertyRef;
}

export class JoinConditionError extends Error {}

type Token = { type: "name"; value: string } | { type: "dot" } | { type: "eq" } | { type: "and" };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i] ?? "";
    if (/\s/.test(char)) {
      i++;
    } else if (char === ".") {
      tokens.push({ type: "dot" });
      i++;
    } else if (char === "=") {
      tokens.push({ type: "eq" });
      i++;
    } else if (char === "`") {
      // A backtick-quoted property name; `` stands for one backtick.
      let value = "";
      i++;
      for (;;) {
        if (i >= text.length) throw new JoinConditionError("unterminated backtick name");
        if (text[i] === "`") {
          if (text[i + 1] === "`") {
            value += "`";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i];
        i++;
      }
      tokens.push({ type: "name", value });
    } else {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
      if (match === null) {
        throw new JoinConditionError(
          `unexpected ${JSON.stringify(char)} at position ${i + 1}: only alias.property = alias.property terms joined by AND are allowed`,
        );
      }
      const word = match[0];
      tokens.push(word.toUpperCase() === "AND" ? { type: "and" } : { type: "name", value: word });
      i += word.length;
    }
  }
  return tokens;
}

export function parseJoinCondition(text: string): JoinEquality[] {
  const tokens = tokenize(text);
  let position = 0;
  const next = (): Token | undefined => tokens[position++];

  const term = (): PropertyRef => {
    const alias = next();
    const dot = next();
    const property = next();
    if (alias?.type !== "name" || dot?.type !== "dot" || property?.type !== "name") {
      throw new JoinConditionError("expected a term of the form alias.property");
    }
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(alias.value)) {
      throw new JoinConditionError(`alias ${JSON.stringify(alias.value)} is not a plain identifier`);
    }
    return { alias: alias.value, property: property.value };
  };

  if (tokens.length === 0) throw new JoinConditionError("is empty");
  const equalities: JoinEquality[] = [];
  for (;;) {
    const left = term();
    const operator = next();
    if (operator?.type !== "eq") {
      throw new JoinConditionError(
        "expected = between two alias.property terms (only equality joins are supported)",
      );
    }
    const right = term();
    if (left.alias === right.alias) {
      throw new JoinConditionError(
        `${left.alias}.${left.property} = ${right.alias}.${right.property} compares an alias with itself`,
      );
    }
    equalities.push({ left, right });
    const joiner = next();
    if (joiner === undefined) return equalities;
    if (joiner.type !== "and") throw new JoinConditionError("expected AND between comparisons");
  }
}

/**
 * The original tool's implicit aliases: the lower-cased first letter of the label, except for
 * three to-labels it special-cased; `link` for the junction node.
 */
const originalToAliasExceptions: Record<string, string> = {
  PaymentMethod: "pm",
  PlayEvent: "pe",
  Tag: "tag",
};

export function implicitFromAlias(label: string): string {
  return label.charAt(0).toLowerCase();
}

export function implicitToAlias(label: string): string {
  return originalToAliasExceptions[label] ?? label.charAt(0).toLowerCase();
}

export const implicitJunctionAlias = "link";
