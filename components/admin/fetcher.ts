/** The SWR fetcher of the admin pages: throws the API's own error message with `.status` (and `.fields`) attached. */
export type FetchError = Error & { status: number; code?: string; fields?: Record<string, string> };

export async function adminFetcher<T>(url: string): Promise<T> {
  const res = await fetch(url, { cache: "no-store", headers: { accept: "application/json" } });
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    const error = body?.error;
    throw Object.assign(new Error(error?.message ?? `The server answered ${res.status}.`), {
      status: res.status,
      code: error?.code,
      fields: error?.fields,
    }) as FetchError;
  }
  return body as T;
}
