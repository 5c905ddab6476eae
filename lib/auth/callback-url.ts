/**
 * Where to go after login: a same-origin path only (an open redirect would turn the login page into
 * a phishing tool). Pure, so the login page (server) and the form (browser) share it.
 */
const PLACEHOLDER_ORIGIN = "http://same-origin.invalid";

export const DEFAULT_AFTER_LOGIN = "/account";

export function safeCallbackUrl(value: string | null | undefined, origin?: string): string | null {
  if (!value || value.length > 2048) return null;
  let candidate = value.trim();
  if (/^[a-z][a-z0-9+.-]*:/i.test(candidate)) {
    // An absolute URL (next-auth builds these) is fine only on our own origin.
    if (!origin) return null;
    let absolute: URL;
    try {
      absolute = new URL(candidate);
    } catch {
      return null;
    }
    if (absolute.origin !== new URL(origin).origin) return null;
    candidate = `${absolute.pathname}${absolute.search}${absolute.hash}`;
  }
  if (!candidate.startsWith("/") || candidate.startsWith("//") || candidate.startsWith("/\\")) return null;
  let url: URL;
  try {
    // URL parsing also drops the tabs and newlines browsers ignore ("/\t/evil.example").
    url = new URL(candidate, PLACEHOLDER_ORIGIN);
  } catch {
    return null;
  }
  if (url.origin !== PLACEHOLDER_ORIGIN) return null;
  if (url.pathname === "/login" || url.pathname.startsWith("/api/")) return null;
  const result = `${url.pathname}${url.search}${url.hash}`;
  // Normalising can make a protocol-relative URL out of a path ("/.//evil.example",
  // "/a/..//evil.example", "/%2e//evil.example" all become "//evil.example"): check the result too.
  if (!result.startsWith("/") || /^\/[/\\]/.test(result)) return null;
  return result;
}
