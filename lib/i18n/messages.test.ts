import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse, TYPE, type MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import { describe, expect, it } from "vitest";
import { SHIPPED_LOCALES } from "./locales";

// Every namespace of every file (this helper's and the SMS/API ones), compared with English.
const dir = path.resolve(__dirname, "../../messages");
type Tree = { [key: string]: string | Tree };
const load = (locale: string) => JSON.parse(readFileSync(path.join(dir, `${locale}.json`), "utf8")) as Tree;

function leaves(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(name, value);
    else if (value && typeof value === "object") for (const [k, v] of leaves(value, name)) out.set(k, v);
    else out.set(name, `<not a string: ${JSON.stringify(value)}>`);
  }
  return out;
}

/** The argument names a message uses ({phone}, {count, plural, …}), nested ones included. */
function argumentsOf(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const el of elements) {
    if (el.type === TYPE.literal || el.type === TYPE.pound) continue;
    if (el.type === TYPE.tag) {
      argumentsOf(el.children, into);
      continue;
    }
    into.add(el.value);
    if (el.type === TYPE.plural || el.type === TYPE.select) for (const option of Object.values(el.options)) argumentsOf(option.value, into);
  }
  return into;
}

const english = leaves(load("en"));

describe("message files", () => {
  it("has one file per shipped locale and no other", () => {
    expect(readdirSync(dir).filter((f) => f.endsWith(".json")).sort()).toEqual(SHIPPED_LOCALES.map((l) => `${l}.json`).sort());
  });

  it("has messages at all (English is the reference)", () => {
    expect(english.size).toBeGreaterThan(50);
  });

  for (const locale of SHIPPED_LOCALES) {
    describe(locale, () => {
      const messages = leaves(load(locale));

      it("has every key of English and none English lacks", () => {
        expect([...english.keys()].filter((k) => !messages.has(k)), "missing").toEqual([]);
        expect([...messages.keys()].filter((k) => !english.has(k)), "extra").toEqual([]);
      });

      it("has only non-empty messages that parse as ICU and use the same arguments as English", () => {
        const problems: string[] = [];
        for (const [key, text] of messages) {
          if (!text.trim()) {
            problems.push(`${key}: empty`);
            continue;
          }
          let ast: MessageFormatElement[];
          try {
            ast = parse(text, { requiresOtherClause: true, locale: new Intl.Locale(locale) });
          } catch (error) {
            problems.push(`${key}: ${(error as Error).message}`);
            continue;
          }
          const reference = english.get(key);
          if (reference === undefined) continue;
          const expected = [...argumentsOf(parse(reference))].sort().join(",");
          const actual = [...argumentsOf(ast)].sort().join(",");
          if (expected !== actual) problems.push(`${key}: arguments {${actual}} instead of {${expected}}`);
        }
        expect(problems).toEqual([]);
      });
    });
  }
});
