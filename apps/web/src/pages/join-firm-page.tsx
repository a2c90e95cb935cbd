import { joinFirmInput, PASSWORD_MIN_LENGTH, registerAndJoinFirmInput } from "@steno/shared";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useLocation } from "wouter";
import { ErrorMessage, Field, Loading } from "../components/ui.tsx";
import { describeError, zodFieldErrors } from "../lib/errors.ts";
import { dropOtherQueries } from "../lib/session.ts";
import { useTitle } from "../lib/use-title.ts";
import { useTRPC } from "../trpc.ts";

const ROLE_LABEL: Record<string, string> = {
  admin: "an admin",
  attorney: "an attorney",
  paralegal: "a paralegal",
};

/**
 * `/join?token=…`, the link of a firm invitation: the invited address creates its account, or
 * signs in to the one it has, and lands in the inviting firm.
 */
export function JoinFirmPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const token = new URLSearchParams(location.search).get("token") ?? "";
  useTitle("Join your firm");
  const invitation = useQuery({ ...trpc.auth.firmInvitation.queryOptions({ token }), retry: false });
  const [values, setValues] = useState({ name: "", password: "" });
  const [clientErrors, setClientErrors] = useState<Record<string, string[]>>({});
  const [checking, setChecking] = useState(false);
  const onSuccess = async () => {
    const me = trpc.auth.me.queryKey();
    dropOtherQueries(queryClient, me);
    await queryClient.invalidateQueries({ queryKey: me });
    navigate("/", { replace: true });
  };
  const join = useMutation(trpc.auth.joinFirm.mutationOptions({ onSuccess }));
  const register = useMutation(trpc.auth.registerAndJoinFirm.mutationOptions({ onSuccess }));

  if (invitation.isPending) {
    return (
      <main className="auth">
        <Loading label="Opening the invitation…" />
      </main>
    );
  }
  const hasAccount = invitation.data?.hasAccount ?? false;
  const mutation = hasAccount ? join : register;
  const serverFields = mutation.error ? describeError(mutation.error).fieldErrors : {};
  const errorsOf = (name: string) => clientErrors[name] ?? serverFields[name];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    mutation.reset();
    if (hasAccount) {
      const parsed = joinFirmInput.safeParse({ token, password: values.password });
      if (!parsed.success) return setClientErrors(zodFieldErrors(parsed.error.issues).fields);
      setClientErrors({});
      return join.mutate(parsed.data);
    }
    const quick = registerAndJoinFirmInput.safeParse({ token, ...values });
    if (!quick.success) return setClientErrors(zodFieldErrors(quick.error.issues).fields);
    setChecking(true);
    const { strongRegisterAndJoinInput } = await import("@steno/shared/password-strength").finally(() =>
      setChecking(false),
    );
    const parsed = strongRegisterAndJoinInput.safeParse({ token, ...values });
    if (!parsed.success) return setClientErrors(zodFieldErrors(parsed.error.issues).fields);
    setClientErrors({});
    register.mutate(parsed.data);
  };
  const set = (name: keyof typeof values) => (event: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [name]: event.target.value }));
  const busy = mutation.isPending || checking;

  return (
    <main className="auth">
      <div className="auth-card">
        <div className="auth-brand">
          <span className="brand">Steno</span>
        </div>
        {invitation.isError || !invitation.data ? (
          <>
            <h1>This invitation cannot be used</h1>
            <ErrorMessage error={invitation.error} />
            <p className="auth-switch">
              <a href="/sign-in">Sign in</a>
            </p>
          </>
        ) : (
          <>
            <h1>Join {invitation.data.firmName}</h1>
            <p className="muted">
              {invitation.data.inviterName ?? "An admin"} invited {invitation.data.email} to join as{" "}
              {ROLE_LABEL[invitation.data.role] ?? invitation.data.role}.{" "}
              {hasAccount
                ? "Sign in with this address's password to join; you leave your current firm."
                : "Create your account to join."}
            </p>
            <form onSubmit={(event) => void submit(event)} noValidate aria-label="Join the firm">
              <Field label="Email">
                {(p) => <input {...p} type="email" value={invitation.data.email} readOnly />}
              </Field>
              {!hasAccount && (
                <Field label="Your name" errors={errorsOf("name")}>
                  {(p) => <input {...p} autoComplete="name" value={values.name} onChange={set("name")} />}
                </Field>
              )}
              <Field
                label="Password"
                errors={errorsOf("password")}
                hint={
                  hasAccount
                    ? undefined
                    : `At least ${PASSWORD_MIN_LENGTH} characters and hard to guess: a few uncommon words work well.`
                }
              >
                {(p) => (
                  <input
                    {...p}
                    type="password"
                    autoComplete={hasAccount ? "current-password" : "new-password"}
                    value={values.password}
                    onChange={set("password")}
                  />
                )}
              </Field>
              {!Object.keys(serverFields).length && <ErrorMessage error={mutation.error} />}
              <button type="submit" className="button button-primary button-block" disabled={busy}>
                {busy ? "Joining…" : hasAccount ? "Sign in and join" : "Create account and join"}
              </button>
            </form>
          </>
        )}
      </div>
    </main>
  );
}
