import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Link, useLocation } from "wouter";
import { type SessionData, showSignedOut } from "../lib/session.ts";
import { useTRPC } from "../trpc.ts";
import { NotificationsBell } from "./notifications-bell.tsx";

/**
 * Signing out removes the letters kept on this device for offline editing (they are synced by
 * then: signing out needs the network too), so the next person at this browser cannot read them.
 */
async function forgetLocalLetters() {
  const databases = (await indexedDB.databases?.()) ?? [];
  for (const { name } of databases) {
    if (name?.startsWith("steno-letter:")) indexedDB.deleteDatabase(name);
  }
}

export function AiProviderBadge() {
  const trpc = useTRPC();
  const info = useQuery(trpc.system.info.queryOptions(undefined, { staleTime: 10 * 60_000 }));
  if (!info.data) return null;
  const local = info.data.aiProvider === "local";
  return (
    <span
      className={`badge ${local ? "badge-warning" : "badge-info"}`}
      data-testid="ai-provider"
      title={
        local
          ? "No AI service is configured: facts are extracted by rules and drafts come from the template, offline"
          : "Facts and drafts come from Anthropic's Claude"
      }
    >
      AI: {local ? "Local (offline, rule-based)" : "Anthropic Claude"}
    </span>
  );
}

export function Layout({ session, children }: { session: SessionData; children: ReactNode }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [location, navigate] = useLocation();
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      onSuccess: () => void forgetLocalLetters(),
      onSettled: () => {
        showSignedOut(queryClient, trpc.auth.me.queryKey());
        navigate("/sign-in", { replace: true });
      },
    }),
  );
  const nav = [
    { href: "/", label: "Cases", active: location === "/" || location.startsWith("/cases") },
    { href: "/templates", label: "Templates", active: location.startsWith("/templates") },
    { href: "/settings/firm", label: "Firm settings", active: location.startsWith("/settings") },
  ];
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link href="/" className="brand">
          Steno
        </Link>
        <nav aria-label="Main">
          <ul>
            {nav.map((item) => (
              <li key={item.href}>
                <Link href={item.href} aria-current={item.active ? "page" : undefined}>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="topbar-right">
          <AiProviderBadge />
          <NotificationsBell />
          <span className="user" title={session.user.email}>
            {session.user.name}
            {session.firm && <span className="muted"> · {session.firm.name}</span>}
          </span>
          <button
            type="button"
            className="button button-ghost"
            onClick={() => logout.mutate()}
            disabled={logout.isPending}
          >
            Sign out
          </button>
        </div>
      </header>
      {!session.user.emailVerified && <VerifyEmailBanner email={session.user.email} />}
      <main id="main" className="main">
        {children}
      </main>
    </div>
  );
}

/** Until the address is confirmed, invitations wait: say so, and offer a new link. */
function VerifyEmailBanner({ email }: { email: string }) {
  const trpc = useTRPC();
  const resend = useMutation(trpc.auth.resendVerification.mutationOptions());
  return (
    <div className="alert alert-warning banner" role="status" data-testid="verify-email-banner">
      <span>
        Verify your email: open the link we sent to <strong>{email}</strong>. Until then you cannot join cases
        you are invited to.
      </span>{" "}
      {resend.isSuccess ? (
        <span>
          {resend.data.alreadyVerified ? "Your email is already confirmed." : "A new link is on its way."}
        </span>
      ) : (
        <button
          type="button"
          className="button button-small"
          onClick={() => resend.mutate()}
          disabled={resend.isPending}
        >
          {resend.isPending ? "Sending…" : "Send a new link"}
        </button>
      )}
      {resend.isError && <span> {resend.error.message}</span>}
    </div>
  );
}
