"use client";

import { useActionState, type ReactNode } from "react";
import { CopyButton } from "@/components/admin/copy-button";
import { Button } from "@/components/ui/button";

type CreateState = { error?: string; fields?: Record<string, string> };

/**
 * A create form whose answer carries a secret shown this once (a webhook's signing secret, an API
 * key): a real form posting to a server action, so it works before JavaScript too. `reveal` picks
 * the secret and the sentence above it out of the action's answer.
 */
export function OneTimeSecretForm<S extends CreateState>({
  action,
  reveal,
  secretTestId,
  labels,
  className,
  submitClassName,
  children,
}: {
  action: (previous: Awaited<S>, form: FormData) => Promise<S>;
  reveal: (state: Awaited<S>) => { secret: string; message: ReactNode } | undefined;
  secretTestId: string;
  /** The copy button's name, the submit button's, and the submit button's while the action runs. */
  labels: { copy: string; submit: string; pending: string };
  /** The form's grid; `submitClassName`: the button's cell in it. */
  className: string;
  submitClassName: string;
  children: ReactNode;
}) {
  // Every field of a create answer is optional: nothing answered yet is the empty one.
  const [state, formAction, pending] = useActionState<S, FormData>(action, {} as Awaited<S>);
  const shown = reveal(state);
  return (
    <div className="space-y-4">
      {shown && (
        <div role="status" className="rounded-lg border border-emerald-300 bg-emerald-50 p-4 text-sm text-emerald-900 dark:border-emerald-700 dark:bg-emerald-950 dark:text-emerald-100">
          <p className="font-semibold">{shown.message}</p>
          <div className="mt-2 flex items-center gap-2">
            <code data-testid={secretTestId} className="break-all rounded bg-white px-2 py-1 font-mono dark:bg-slate-900">{shown.secret}</code>
            <CopyButton value={shown.secret} label={labels.copy} />
          </div>
        </div>
      )}
      {state.error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {state.error} {state.fields && Object.values(state.fields).join(" ")}
        </p>
      )}
      <form action={formAction} className={className}>
        {children}
        <div className={submitClassName}>
          <Button type="submit" isLoading={pending} loadingText={labels.pending}>
            {labels.submit}
          </Button>
        </div>
      </form>
    </div>
  );
}
