"use client";

import { useEffect, useState } from "react";

/** Whole seconds until `until` (0 when past or unset), ticking while it counts down. */
export function useCountdown(until: number | null | undefined): number {
  const [now, setNow] = useState(() => Date.now());
  const remaining = until ? Math.max(0, Math.ceil((until - now) / 1000)) : 0;
  useEffect(() => {
    if (!until) return;
    const tick = () => setNow(Date.now());
    const first = setTimeout(tick, 0); // `now` may be stale from an earlier countdown
    const timer = setInterval(() => {
      tick();
      if (Date.now() >= until) clearInterval(timer);
    }, 250);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [until]);
  return remaining;
}
