"use client";

import { useState } from "react";
import useSWRInfinite from "swr/infinite";
import { Panel } from "./admin-shell";
import { RoleBadge } from "./badges";
import { adminFetcher, type FetchError } from "./fetcher";
import { formatUtc } from "./format";
import type { AdminUserJson, UserPageJson } from "./types";

/** Users with their role; admins promote and demote here (each change is audited server-side). */
export function UsersTable({ currentUserId }: { currentUserId: string }) {
  const [role, setRole] = useState("");
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ tone: "ok" | "error"; text: string } | null>(null);
  const { data, error, size, setSize, mutate, isLoading } = useSWRInfinite<UserPageJson, FetchError>(
    (index, previous: UserPageJson | null) => {
      if (previous && !previous.nextCursor) return null;
      const qs = new URLSearchParams({ limit: "50" });
      if (role) qs.set("role", role);
      if (previous?.nextCursor) qs.set("cursor", previous.nextCursor);
      return `/api/admin/users?${qs}`;
    },
    adminFetcher,
    { refreshInterval: 30_000 },
  );
  const users = data?.flatMap((p) => p.items) ?? [];
  const hasMore = !!data?.at(-1)?.nextCursor;

  async function changeRole(user: AdminUserJson, next: "USER" | "ADMIN") {
    setBusy(user.id);
    setMessage(null);
    try {
      const res = await fetch(`/api/admin/users/${encodeURIComponent(user.id)}`, {
        method: "PATCH",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ role: next }),
      });
      const body = await res.json().catch(() => null);
      if (!res.ok) throw new Error(body?.error?.message ?? `The server answered ${res.status}.`);
      setMessage({ tone: "ok", text: `${user.phone} is now ${next === "ADMIN" ? "an admin" : "a regular user"}.` });
      await mutate();
    } catch (e) {
      setMessage({ tone: "error", text: (e as Error).message });
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex items-center gap-2">
          <label htmlFor="role-filter" className="text-sm font-medium text-slate-700 dark:text-slate-300">
            Role
          </label>
          <select
            id="role-filter"
            value={role}
            onChange={(e) => setRole(e.target.value)}
            className="h-9 rounded-lg border border-slate-300 bg-white px-2.5 text-sm dark:border-slate-700 dark:bg-slate-900"
          >
            <option value="">All</option>
            <option value="ADMIN">Admins</option>
            <option value="USER">Users</option>
          </select>
        </div>
        <p role="status" className={`text-sm ${message?.tone === "error" ? "text-rose-700 dark:text-rose-300" : "text-emerald-700 dark:text-emerald-300"}`}>
          {message?.text ?? (error ? error.message : "")}
        </p>
      </div>
      <Panel className="overflow-hidden">
        <div className="overflow-x-auto">
          <table className="min-w-full divide-y divide-slate-200 text-sm dark:divide-slate-800">
            <caption className="sr-only">Users, newest first</caption>
            <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600 dark:bg-slate-800/60 dark:text-slate-400">
              <tr>
                <th scope="col" className="px-4 py-3">Phone</th>
                <th scope="col" className="px-4 py-3">Role</th>
                <th scope="col" className="px-4 py-3">Created (UTC)</th>
                <th scope="col" className="px-4 py-3">Last login (UTC)</th>
                <th scope="col" className="px-4 py-3 text-right">Access</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {users.map((u) => {
                const isSelf = u.id === currentUserId;
                const next = u.role === "ADMIN" ? "USER" : "ADMIN";
                return (
                  <tr key={u.id} className="hover:bg-slate-50 dark:hover:bg-slate-800/50">
                    <td className="whitespace-nowrap px-4 py-3 font-mono text-[13px]">
                      {u.phone}
                      {isSelf && <span className="ml-2 font-sans text-xs text-slate-500">(you)</span>}
                    </td>
                    <td className="px-4 py-3">
                      <RoleBadge role={u.role} />
                    </td>
                    <td className="whitespace-nowrap px-4 py-3 tabular-nums">{formatUtc(u.createdAt, { seconds: false })}</td>
                    <td className="whitespace-nowrap px-4 py-3 tabular-nums">{formatUtc(u.lastLoginAt, { seconds: false })}</td>
                    <td className="whitespace-nowrap px-4 py-3 text-right">
                      <button
                        type="button"
                        disabled={isSelf || busy === u.id}
                        onClick={() => changeRole(u, next)}
                        title={isSelf ? "You cannot remove your own admin role" : undefined}
                        aria-label={`${next === "ADMIN" ? "Make admin" : "Remove admin"}: ${u.phone}`}
                        className={`inline-flex h-8 items-center rounded-lg px-3 text-xs font-medium shadow-sm disabled:cursor-not-allowed disabled:opacity-50 ${
                          next === "ADMIN"
                            ? "bg-brand-600 text-white hover:bg-brand-700"
                            : "border border-slate-300 bg-white text-slate-800 hover:bg-slate-50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100 dark:hover:bg-slate-800"
                        }`}
                      >
                        {busy === u.id ? "Saving…" : next === "ADMIN" ? "Make admin" : "Remove admin"}
                      </button>
                    </td>
                  </tr>
                );
              })}
              {!isLoading && users.length === 0 && (
                <tr>
                  <td colSpan={5} className="px-4 py-10 text-center text-slate-500 dark:text-slate-400">
                    No users yet.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </Panel>
      {hasMore && (
        <div className="flex justify-center">
          <button type="button" onClick={() => setSize(size + 1)} className="inline-flex h-10 items-center rounded-lg border border-slate-300 bg-white px-5 text-sm font-medium shadow-sm hover:bg-slate-50 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800">
            Load more
          </button>
        </div>
      )}
    </div>
  );
}
