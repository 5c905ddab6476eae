/** The admin API's JSON: the lib types with Dates as ISO strings (type-only imports: nothing server-side ships). */
import type { Breakdown } from "@/lib/admin/breakdown";
import type { Stats } from "@/lib/admin/stats";
import type { AdminUser } from "@/lib/admin/users";
import type { TimelineEvent, VerificationDetail, VerificationPage, VerificationRow } from "@/lib/admin/verifications";

export type Jsonified<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Jsonified<U>[]
    : T extends object
      ? { [K in keyof T]: Jsonified<T[K]> }
      : T;

export type VerificationRowJson = Jsonified<VerificationRow>;
export type VerificationPageJson = Jsonified<VerificationPage>;
export type VerificationDetailJson = Jsonified<VerificationDetail>;
export type TimelineEventJson = Jsonified<TimelineEvent>;
export type StatsJson = Stats;
export type BreakdownJson = Breakdown;
export type AdminUserJson = Jsonified<AdminUser>;
export type UserPageJson = { items: AdminUserJson[]; nextCursor: string | null };
