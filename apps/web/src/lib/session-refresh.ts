// The access cookie lives 15 minutes; the refresh cookie rotates on every use and reusing an
// old one (after the API's 30 s grace window) revokes the whole session, so callers share one
// refresh: within a tab through one promise, across tabs through a Web Lock — the tabs share the
// cookie jar, so a tab that waited for another's refresh finds the new cookies already set.
let pending: Promise<boolean> | null = null;
const expiredListeners = new Set<() => void>();

const LOCK = "steno-session-refresh";
const LAST_REFRESH = "steno:last-refresh";

function post(): Promise<boolean> {
  return fetch("/trpc/auth.refresh", {
    method: "POST",
    credentials: "include",
    headers: { "Content-Type": "application/json" },
  })
    .then((response) => response.ok)
    .catch(() => false);
}

function lastRefresh(): number {
  try {
    return Number(localStorage.getItem(LAST_REFRESH) ?? 0);
  } catch {
    return 0;
  }
}

/** One tab at a time; a tab that waited while another refreshed uses that refresh. */
async function refreshAcrossTabs(): Promise<boolean> {
  const asked = Date.now();
  const run = async () => {
    if (lastRefresh() >= asked) return true;
    const ok = await post();
    if (ok) {
      try {
        localStorage.setItem(LAST_REFRESH, String(Date.now()));
      } catch {
        // Private mode without storage: the API's grace window still covers a race.
      }
    }
    return ok;
  };
  return navigator.locks ? navigator.locks.request(LOCK, run) : run();
}

export function refreshSession(): Promise<boolean> {
  if (!pending) {
    pending = refreshAcrossTabs()
      .catch(() => false)
      .then((ok) => {
        if (!ok) for (const listener of expiredListeners) listener();
        return ok;
      })
      .finally(() => {
        pending = null;
      });
  }
  return pending;
}

/** Called when a refresh fails: the session is over and the app should show sign-in. */
export function onSessionExpired(listener: () => void): () => void {
  expiredListeners.add(listener);
  return () => expiredListeners.delete(listener);
}
