import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { Link } from "wouter";
import { ErrorMessage, Loading, Notice } from "../components/ui.tsx";
import { useTitle } from "../lib/use-title.ts";
import { useTRPC } from "../trpc.ts";

/** The page the verification link opens, signed in or not: the link itself is the proof. */
export function VerifyEmailPage({ signedIn }: { signedIn: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  useTitle("Confirm your email");
  const token = new URLSearchParams(location.search).get("token") ?? "";
  const verify = useMutation(
    trpc.auth.verifyEmail.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.auth.me.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.collaborators.pendingInvites.queryKey() });
      },
    }),
  );
  // A link works once: the effect must not send it twice (React runs it twice in development).
  const sent = useRef(false);
  useEffect(() => {
    if (sent.current || !token) return;
    sent.current = true;
    verify.mutate({ token });
  }, [token, verify]);

  return (
    <section className="page page-narrow">
      <h1>Confirm your email</h1>
      {!token && <p>This link is incomplete. Open the whole link from the message we sent you.</p>}
      {verify.isPending && <Loading label="Confirming…" />}
      {verify.isSuccess && (
        <Notice tone="success">
          Your email {verify.data.email} is confirmed. Invitations to cases now reach you.
        </Notice>
      )}
      <ErrorMessage error={verify.error} />
      <p>{signedIn ? <Link href="/">Go to your cases</Link> : <Link href="/sign-in">Sign in</Link>}</p>
    </section>
  );
}
