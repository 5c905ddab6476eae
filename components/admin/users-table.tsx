"use client";

import { useEffect, useRef, useState } from "react";
import useSWRInfinite from "swr/infinite";
import { Panel } from "./admin-shell";
import { RoleBadge } from "./badges";
import { adminFetcher, type FetchError } from "./fetcher";
import { AdminTime } from "./admin-time";
import { EmptyState, ErrorPanel, secondaryButtonBase, ListSkeleton } from "./states";
import type { AdminUserJson, UserPageJson } from "./types";

type Role = AdminUserJson["role"];
const SEARCH_DELAY_MS = 300;

const inputClass =
  "block h-9 w-full rounded-lg border border-slate-300 bg-white px-2.5 text-sm text-slate-900 focus:border-brand-600 focus:outline-2 focus:outline-brand-600/40 aria-invalid:border-rose-600 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100 dark:focus:border-blue-400 dark:focus:outline-blue-400/70 dark:aria-invalid:border-rose-400";
const smallButton = `${secondaryButtonBase} h-8 px-2.5 text-xs`;

/**
 * Make admin / Remove admin, confirmed inline first: the first button turns into
 * "Yes, …" and "Cancel" (focus follows), so a stray tap never changes anyone's access.
 */
function RoleAction({
  user,
  isSelf,
  busy,
  confirming,
  onAsk,
  onCancel,
  onConfirm,
}: {
  user: AdminUserJson;
  isSelf: boolean;
  busy: boolean;
  confirming: boolean;
  onAsk: () => void;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const next: Role = user.role === "ADMIN" ? "USER" : "ADMIN";
  const verb = next === "ADMIN" ? "make admin" : "remove admin";
  const askRef = useRef<HTMLButtonElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
    else if (wasConfirming.current) askRef.current?.focus(); // back where the person was after Cancel
    wasConfirming.current = confirming;
  }, [confirming]);

  if (confirming) {
    return (
      <div role="group" aria-label={`Confirm: ${verb} for ${user.phone}`} className="inline-flex flex-wrap items-center justify-end gap-2">
        <span className="text-xs text-slate-600 dark:text-slate-300">{next === "ADMIN" ? "Give admin access?" : "Take admin access away?"}</span>
        <button
          ref={confirmRef}
          type="button"
          onClick={onConfirm}
          disabled={busy}
          className={`inline-flex h-8 items-center rounded-lg px-2.5 text-xs font-medium text-white shadow-sm focus-visible:outline-2 focus-visible:outline-offset-2 disabled:opacity-60 dark:focus-visible:outline-blue-300 ${
            next === "ADMIN" ? "bg-brand-600 hover:bg-brand-700 focus-visible:outline-brand-600" : "bg-rose-700 hover:bg-rose-800 focus-visible:outline-rose-700"
          }`}
        >
          {busy ? "Saving…" : next === "ADMIN" ? "Yes, make admin" : "Yes, remove admin"}
        </button>
        <button type="button" onClick={onCancel} disabled={busy} className={smallButton}>
          Cancel
        </button>
      </div>
    );
  }
  return (
    <button
      ref={askRef}
      type="button"
      disabled={isSelf}
      onClick={onAsk}
      title={isSelf ? "You cannot remove your own admin role" : undefined}
      aria-label={`${next === "ADMIN" ? "Make admin" : "Remove admin"}: ${user.phone}`}
      className={smallButton}
    >
      {next === "ADMIN" ? "Make admin" : "Remove admin"}
    </button>
  );
}

/**
 * "Sign out everywhere", confirmed inline like the role change: ends every session of the user on
 * the server (their next request finds itself signed out).
 */
function SignOutAction({ user, busy, confirming, onAsk, onCancel, onConfirm }: { user: AdminUserJson; busy: boolean; confirming: boolean; onAsk: () => void; onCancel: () => void; onConfirm: () => void }) {
  const askRef = useRef<HTMLButtonElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
    else if (wasConfirming.current) askRef.current?.focus();
    wasConfirming.current = confirming;
  }, [confirming]);
  if (confirming) {
    return (
      <div role="group" aria-label={`Confirm: sign ${user.phone} out everywhere`} className="inline-flex flex-wrap items-center justify-end gap-2">
        <span className="text-xs text-slate-600 dark:text-slate-300">End every session?</span>
        <button
          ref={confirmRef}
          type="button"
          onClick={onConfirm}
          disabled={busy}
          className="inline-flex h-8 items-center rounded-lg bg-rose-700 px-2.5 text-xs font-medium text-white shadow-sm hover:bg-rose-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-rose-700 disabled:opacity-60 dark:focus-visible:outline-blue-300"
        >
          {busy ? "Signing out…" : "Yes, sign out"}
        </button>
        <button type="button" onClick={onCancel} disabled={busy} className={smallButton}>
          Cancel
        </button>
      </div>
    );
  }
  return (
    <button ref={askRef} type="button" onClick={onAsk} aria-label={`Sign out everywhere: ${user.phone}`} className={smallButton}>
      Sign out everywhere
    </button>
  );
}

/** Users with their role; admins promote and demote here (each change is audited server-side). */
export function UsersTable({ currentUserId }: { currentUserId: string }) {
  const [role, setRole] = useState("");
  const [phoneInput, setPhoneInput] = useState("");
  const [phone, setPhone] = useState("");
  const [busy, setBusy] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [message, setMessage] = useState<{ tone: "ok" | "error"; text: string } | null>(null);

  // Search as the admin types, once they pause.
  useEffect(() => {
    const timer = setTimeout(() => setPhone(phoneInput.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [phoneInput]);

  const { data, error, size, setSize, mutate, isLoading, isValidating } = useSWRInfinite<UserPageJson, FetchError>(
    (index, previous: UserPageJson | null) => {
      if (previous && !previous.nextCursor) return null;
      const qs = new URLSearchParams({ limit: "50" });
      if (role) qs.set("role", role);
      if (phone) qs.set("phone", phone);
      if (previous?.nextCursor) qs.set("cursor", previous.nextCursor);
      return `/api/admin/users?${qs}`;
    },
    adminFetcher,
    { refreshInterval: 30_000, keepPreviousData: true, shouldRetryOnError: (e: FetchError) => !(e.status >= 400 && e.status < 500) },
  );
  const phoneError = error?.status === 400 ? (error.fields?.phone ?? error.message) : undefined;
  const users = phoneError ? [] : (data?.flatMap((p) => p.items) ?? []);
  const hasMore = !phoneError && !!data?.at(-1)?.nextCursor;
  const hasFilters = !!(role || phone);

  async function changeRole(user: AdminUserJson, next: Role) {
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
      setConfirming(null);
    }
  }

  async function signOutEverywhere(user: AdminUserJson) {
    setBusy(`signout:${user.id}`);
    setMessage(null);
    try {
      const res = await fetch(`/api/admin/users/${encodeURIComponent(user.id)}/sessions`, { method: "DELETE" });
      const body = await res.json().catch(() => null);
      if (!res.ok) throw new Error(body?.error?.message ?? `The server answered ${res.status}.`);
      const ended = Number(body?.ended ?? 0);
      setMessage({ tone: "ok", text: `${user.phone} is signed out everywhere (${ended} ${ended === 1 ? "session" : "sessions"} ended).` });
    } catch (e) {
      setMessage({ tone: "error", text: (e as Error).message });
    } finally {
      setBusy(null);
      setConfirming(null);
    }
  }

  const action = (u: AdminUserJson) => (
    <div className="inline-flex flex-wrap items-center justify-end gap-2">
      {confirming !== u.id && (
        <SignOutAction
          user={u}
          busy={busy === `signout:${u.id}`}
          confirming={confirming === `signout:${u.id}`}
          onAsk={() => {
            setMessage(null);
            setConfirming(`signout:${u.id}`);
          }}
          onCancel={() => setConfirming(null)}
          onConfirm={() => void signOutEverywhere(u)}
        />
      )}
      {confirming !== `signout:${u.id}` && roleAction(u)}
    </div>
  );

  const roleAction = (u: AdminUserJson) => (
    <RoleAction
      user={u}
      isSelf={u.id === currentUserId}
      busy={busy === u.id}
      confirming={confirming === u.id}
      onAsk={() => {
        setMessage(null);
        setConfirming(u.id);
      }}
      onCancel={() => setConfirming(null)}
      onConfirm={() => void changeRole(u, u.role === "ADMIN" ? "USER" : "ADMIN")}
    />
  );

  let list: React.ReactNode;
  if (isLoading && !data) {
    list = <ListSkeleton label="Loading the users" rows={4} widths={["w-32", "w-14"]} />;
  } else if (error && !phoneError && !data) {
    list = <ErrorPanel title="Couldn't load the users" message={error.message} onRetry={() => void mutate()} retrying={isValidating} />;
  } else if (users.length === 0) {
    list = (
      <EmptyState
        onClear={
          hasFilters || phoneInput
            ? () => {
                setRole("");
                setPhoneInput("");
                setPhone("");
              }
            : undefined
        }
      >
        {phoneError ? "Search with digits only, optionally starting with +." : hasFilters ? "No users match this search." : "No users yet."}
      </EmptyState>
    );
  } else {
    list = (
      <>
        {/* Phones: one card per user, no sideways scrolling. */}
        <Panel className="overflow-hidden sm:hidden">
          <ul className="divide-y divide-slate-100 dark:divide-slate-800" aria-label="Users, newest first">
            {users.map((u) => (
              <li key={u.id} data-user-phone={u.phone} className="space-y-2 p-4">
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <span className="font-mono text-[13px]">
                    {u.phone}
                    {u.id === currentUserId && <span className="ml-2 font-sans text-xs text-slate-500 dark:text-slate-400">(you)</span>}
                  </span>
                  <RoleBadge role={u.role} />
                </div>
                <p className="text-xs tabular-nums text-slate-600 dark:text-slate-400">
                  Created <AdminTime at={u.createdAt} seconds={false} /> · last login <AdminTime at={u.lastLoginAt} seconds={false} />
                </p>
                <div className="flex justify-end">{action(u)}</div>
              </li>
            ))}
          </ul>
        </Panel>
        <Panel className="hidden overflow-hidden sm:block">
          <div className="overflow-x-auto">
            <table className="min-w-full divide-y divide-slate-200 text-sm dark:divide-slate-800">
              <caption className="sr-only">Users, newest first</caption>
              <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600 dark:bg-slate-800/60 dark:text-slate-400">
                <tr>
                  <th scope="col" className="px-4 py-3">Phone</th>
                  <th scope="col" className="px-4 py-3">Role</th>
                  <th scope="col" className="px-4 py-3">Created</th>
                  <th scope="col" className="px-4 py-3">Last login</th>
                  <th scope="col" className="px-4 py-3 text-right">Access</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
                {users.map((u) => (
                  <tr key={u.id} data-user-phone={u.phone} className="hover:bg-slate-50 dark:hover:bg-slate-800/50">
                    <td className="whitespace-nowrap px-4 py-3 font-mono text-[13px]">
                      {u.phone}
                      {u.id === currentUserId && <span className="ml-2 font-sans text-xs text-slate-500 dark:text-slate-400">(you)</span>}
                    </td>
                    <td className="px-4 py-3">
                      <RoleBadge role={u.role} />
                    </td>
                    <td className="whitespace-nowrap px-4 py-3 tabular-nums">
                      <AdminTime at={u.createdAt} seconds={false} />
                    </td>
                    <td className="whitespace-nowrap px-4 py-3 tabular-nums">
                      <AdminTime at={u.lastLoginAt} seconds={false} />
                    </td>
                    <td className="whitespace-nowrap px-4 py-3 text-right">{action(u)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Panel>
      </>
    );
  }

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <form role="search" aria-label="Find users" onSubmit={(e) => e.preventDefault()} className="flex flex-wrap items-end gap-3">
          <div className="w-56 max-w-full">
            <label htmlFor="user-phone" className="mb-1 block text-xs font-medium text-slate-600 dark:text-slate-400">
              Search by phone
            </label>
            <input
              id="user-phone"
              type="search"
              inputMode="tel"
              placeholder="+2557… or any digits"
              value={phoneInput}
              onChange={(e) => setPhoneInput(e.target.value)}
              aria-invalid={phoneError ? true : undefined}
              aria-describedby={phoneError ? "user-phone-error" : undefined}
              className={inputClass}
            />
          </div>
          <div>
            <label htmlFor="role-filter" className="mb-1 block text-xs font-medium text-slate-600 dark:text-slate-400">
              Role
            </label>
            <select id="role-filter" value={role} onChange={(e) => setRole(e.target.value)} className={inputClass}>
              <option value="">All</option>
              <option value="ADMIN">Admins</option>
              <option value="USER">Users</option>
            </select>
          </div>
          {phoneError && (
            <p id="user-phone-error" className="basis-full text-xs text-rose-700 dark:text-rose-300">
              {phoneError}
            </p>
          )}
        </form>
        <p id="role-message" role="status" className={`text-sm ${message?.tone === "error" ? "text-rose-700 dark:text-rose-300" : "text-emerald-700 dark:text-emerald-300"}`}>
          {message?.text ?? (error && data && !phoneError ? `Couldn't refresh: ${error.message}` : "")}
        </p>
      </div>
      {list}
      {hasMore && (
        <div className="flex justify-center">
          <button type="button" onClick={() => setSize(size + 1)} className={`${secondaryButtonBase} h-10 px-5 text-sm`}>
            Load more
          </button>
        </div>
      )}
    </div>
  );
}
