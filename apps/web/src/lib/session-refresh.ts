// The access cookie lives 15 minutes; the refresh cookie rotates on every use and reusing an
// old one revokes the whole session, so concurrent callers must share a single refresh.
let pending: Promise<boolean> | null = null;
const expiredListeners = new Set<() => void>();

export function refreshSession(): Promise<boolean> {
  if (!pending) {
    pending = fetch("/trpc/auth.refresh", {
      method: "POST",
      credentials: "include",
      headers: { "Content-Type": "application/json" },
    })
      .then((response) => response.ok)
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
