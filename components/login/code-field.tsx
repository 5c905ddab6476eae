"use client";

import { OTPInput, type SlotProps } from "input-otp";
import type { Ref } from "react";
import { toAsciiDigits } from "@/lib/digits";

/** Any script's digits typed or pasted (٤٩٨٩, ۴۹۸۹, …) become ASCII; everything else is dropped. */
const onlyDigits = (text: string, length: number) => toAsciiDigits(text).replace(/[^0-9]/g, "").slice(0, length);

/**
 * The one-time-code field: one real <input> (autocomplete="one-time-code", numeric keyboard, whole-code
 * paste, SMS autofill) drawn as separate boxes. `onComplete` fires once every digit is in.
 */
export function CodeField({
  id,
  inputRef,
  length,
  value,
  onChange,
  onComplete,
  invalid,
  describedBy,
  disabled,
}: {
  id: string;
  inputRef: Ref<HTMLInputElement>;
  length: number;
  value: string;
  onChange: (value: string) => void;
  onComplete: (value: string) => void;
  invalid: boolean;
  describedBy: string;
  disabled?: boolean;
}) {
  return (
    <OTPInput
      id={id}
      ref={inputRef}
      name="code"
      maxLength={length}
      value={value}
      // No `pattern`: input-otp compiles it without the u flag, so it could not admit other scripts'
      // digits; the value is normalised here instead (and again on the server).
      onChange={(next) => onChange(onlyDigits(next, length))}
      onComplete={(done) => onComplete(onlyDigits(done, length))}
      autoComplete="one-time-code"
      inputMode="numeric"
      // Codes pasted from an SMS or a notes app often carry spaces or dashes ("123 456").
      pasteTransformer={(pasted) => onlyDigits(pasted, length)}
      aria-invalid={invalid || undefined}
      aria-describedby={describedBy}
      disabled={disabled}
      containerClassName="group flex w-full items-center has-disabled:opacity-60"
      render={({ slots }) => (
        <div className="flex w-full justify-between gap-1.5 sm:gap-2" aria-hidden="true">
          {slots.map((slot, index) => (
            <Slot key={index} {...slot} invalid={invalid} />
          ))}
        </div>
      )}
    />
  );
}

function Slot({ char, isActive, hasFakeCaret, invalid }: SlotProps & { invalid: boolean }) {
  const border = invalid
    ? "border-red-600 dark:border-red-400"
    : isActive
      ? "border-brand-600 dark:border-brand-500"
      : "border-slate-300 dark:border-slate-600";
  return (
    <div
      className={`relative flex aspect-[4/5] max-w-14 min-w-0 flex-1 items-center justify-center rounded-lg border-2 bg-white text-2xl font-semibold tabular-nums text-slate-900 transition-colors motion-reduce:transition-none dark:bg-slate-900 dark:text-slate-100 ${border} ${isActive ? "ring-4 ring-brand-600/20" : ""}`}
    >
      {char}
      {hasFakeCaret && (
        <span className="pointer-events-none absolute inset-0 flex items-center justify-center">
          <span className="h-7 w-px animate-pulse bg-slate-900 motion-reduce:animate-none dark:bg-slate-100" />
        </span>
      )}
    </div>
  );
}
