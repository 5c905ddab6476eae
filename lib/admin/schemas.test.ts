import { describe, expect, it } from "vitest";
import { verificationFiltersSchema, verificationListQuerySchema } from "./schemas";

describe("verification filters", () => {
  it("refuses a reversed date range at 'from' instead of listing nothing", () => {
    for (const schema of [verificationFiltersSchema, verificationListQuerySchema]) {
      const result = schema.safeParse({ from: "2026-12-02", to: "2026-12-01" });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]).toMatchObject({ path: ["from"], message: "'From' is after 'To': swap the dates" });
    }
  });
  it("accepts a range in order and a single day", () => {
    expect(verificationFiltersSchema.safeParse({ from: "2026-12-01", to: "2026-12-02" }).success).toBe(true);
    expect(verificationFiltersSchema.safeParse({ from: "2026-12-01", to: "2026-12-01" }).success).toBe(true);
  });
});
