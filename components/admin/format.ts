/**
 * "2026-12-02 04:20:44": the UTC value, in <AdminTime>'s title and as its fallback before the browser's
 * zone is known. The dashboard shows dates in the browser's locale and zone (components/admin/admin-time.tsx);
 * CSV exports keep ISO UTC.
 */
export function formatUtc(iso: string | Date | null | undefined, opts: { seconds?: boolean } = {}): string {
  if (!iso) return "—";
  const s = typeof iso === "string" ? iso : iso.toISOString();
  return `${s.slice(0, 10)} ${s.slice(11, opts.seconds === false ? 16 : 19)}`;
}

export function formatRelative(iso: string, now: number): string {
  const seconds = Math.round((now - Date.parse(iso)) / 1000);
  const future = seconds < 0;
  const s = Math.abs(seconds);
  const text = s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min` : s < 86_400 ? `${Math.floor(s / 3600)} h` : `${Math.floor(s / 86_400)} d`;
  return future ? `in ${text}` : `${text} ago`;
}

/** m:ss until `iso`, or null once it has passed. */
export function countdown(iso: string, now: number): string | null {
  const left = Math.ceil((Date.parse(iso) - now) / 1000);
  if (left <= 0) return null;
  return `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
}

export const number = (n: number) => n.toLocaleString("en-US");
export const percent = (n: number | null) => (n === null ? "—" : `${n.toFixed(1)} %`);
