/**
 * Keyset cursors: the (createdAt, id) of the last row of a page, opaque to clients (base64url).
 * Pages continue strictly after that pair in (createdAt desc, id desc) order, so rows inserted
 * meanwhile never shift or repeat a page (which OFFSET would do) and every page costs the same.
 */
import { AppError } from "../api/errors";

export type Cursor = { createdAt: Date; id: string };

export function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString("base64url");
}

export function decodeCursor(value: string | undefined): Cursor | undefined {
  if (!value) return undefined;
  const text = Buffer.from(value, "base64url").toString("utf8");
  const bar = text.indexOf("|");
  const createdAt = new Date(text.slice(0, bar));
  const id = text.slice(bar + 1);
  // Control characters (a NUL above all: PostgreSQL refuses it in text) cannot be in a real id.
  if (bar < 20 || Number.isNaN(createdAt.getTime()) || !id || id.length > 100 || /[\u0000-\u001f]/.test(id)) {
    throw new AppError("validation_error", "Some fields are missing or invalid.", { fields: { cursor: "Invalid cursor" } });
  }
  return { createdAt, id };
}

/** Prisma condition "after the cursor" in (createdAt desc, id desc) order. The redundant
 * `createdAt <= c` lets PostgreSQL use it as an index bound on every (…, createdAt) index. */
export function afterCursor(cursor: Cursor | undefined) {
  if (!cursor) return {};
  return {
    createdAt: { lte: cursor.createdAt },
    OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }],
  };
}
