/** The SWR fetcher of the admin pages: throws the API's own error message with `.status` attached. */
export type FetchError = Error & { status: number };

export async function adminFetcher<T>(url: string): Promise<T> {
  const res = await fetch(url, { cache: "no-store", headers: { accept: "application/json" } });
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    throw Object.assign(new Error(body?.error?.message ?? `The server answered ${res.status}.`), { status: res.status }) as FetchError;
  }
  return body as T;
}
