import { loginInput, PASSWORD_MIN_LENGTH, registerInput } from "@steno/shared";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link } from "wouter";
import { AiProviderBadge } from "../components/layout.tsx";
import { ErrorMessage, Field, Notice } from "../components/ui.tsx";
import { describeError, zodFieldErrors } from "../lib/errors.ts";
import { dropOtherQueries } from "../lib/session.ts";
import { useTitle } from "../lib/use-title.ts";
import { useTRPC } from "../trpc.ts";

type Mode = "sign-in" | "register";

export function AuthPage({ mode }: { mode: Mode }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // An invitation's link to registration carries the invited address.
  const invited = new URLSearchParams(location.search).get("email") ?? "";
  const [values, setValues] = useState({ name: "", firmName: "", email: invited, password: "" });
  const [checking, setChecking] = useState(false);
  const [clientErrors, setClientErrors] = useState<{ fields: Record<string, string[]>; form: string[] }>({
    fields: {},
    form: [],
  });
  const onSuccess = async () => {
    // Nothing cached under a previous session may show for this one.
    const me = trpc.auth.me.queryKey();
    dropOtherQueries(queryClient, me);
    await queryClient.invalidateQueries({ queryKey: me });
  };
  const login = useMutation(trpc.auth.login.mutationOptions({ onSuccess }));
  // Registration signs nobody in and answers the same for a taken address; the new account signs
  // in with the password just chosen (a taken address's does not, and the mail explains).
  const register = useMutation(
    trpc.auth.register.mutationOptions({
      onSuccess: (_data, input) => login.mutate({ email: input.email, password: input.password }),
    }),
  );
  const mutation = mode === "sign-in" ? login : register;
  useTitle(mode === "sign-in" ? "Sign in" : "Create an account");
  const serverFields = mutation.error ? describeError(mutation.error).fieldErrors : {};
  const fieldErrors = (name: string) => clientErrors.fields[name] ?? serverFields[name];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    mutation.reset();
    login.reset();
    if (mode === "sign-in") {
      const parsed = loginInput.safeParse({ email: values.email, password: values.password });
      if (!parsed.success) return setClientErrors(zodFieldErrors(parsed.error.issues));
      setClientErrors({ fields: {}, form: [] });
      login.mutate(parsed.data);
    } else {
      const quick = registerInput.safeParse(values);
      if (!quick.success) return setClientErrors(zodFieldErrors(quick.error.issues));
      // The strength estimator and its dictionaries load only here, not with the sign-in page.
      setChecking(true);
      const { strongRegisterInput } = await import("@steno/shared/password-strength").finally(() =>
        setChecking(false),
      );
      const parsed = strongRegisterInput.safeParse(values);
      if (!parsed.success) return setClientErrors(zodFieldErrors(parsed.error.issues));
      setClientErrors({ fields: {}, form: [] });
      register.mutate(parsed.data);
    }
  };

  const set = (name: keyof typeof values) => (event: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [name]: event.target.value }));

  return (
    <main className="auth">
      <div className="auth-card">
        <div className="auth-brand">
          <span className="brand">Steno</span>
          <p className="muted">Demand letters from the case file, with every fact cited to its page.</p>
        </div>
        <h1>{mode === "sign-in" ? "Sign in" : "Create your firm's account"}</h1>
        {mode === "register" && register.isSuccess && (
          <Notice tone="success">
            We sent a message to {register.data.email}. Open the link in it to confirm the address
            {login.isError ? ", then sign in." : "."}
          </Notice>
        )}
        <form onSubmit={(event) => void submit(event)} noValidate>
          {mode === "register" && (
            <>
              <Field label="Your name" errors={fieldErrors("name")}>
                {(p) => <input {...p} autoComplete="name" value={values.name} onChange={set("name")} />}
              </Field>
              <Field label="Firm name" errors={fieldErrors("firmName")}>
                {(p) => (
                  <input
                    {...p}
                    autoComplete="organization"
                    value={values.firmName}
                    onChange={set("firmName")}
                  />
                )}
              </Field>
            </>
          )}
          <Field label="Email" errors={fieldErrors("email")}>
            {(p) => (
              <input {...p} type="email" autoComplete="email" value={values.email} onChange={set("email")} />
            )}
          </Field>
          <Field
            label="Password"
            errors={fieldErrors("password")}
            hint={
              mode === "register"
                ? `At least ${PASSWORD_MIN_LENGTH} characters and hard to guess: a few uncommon words work well.`
                : undefined
            }
          >
            {(p) => (
              <input
                {...p}
                type="password"
                autoComplete={mode === "sign-in" ? "current-password" : "new-password"}
                value={values.password}
                onChange={set("password")}
              />
            )}
          </Field>
          {clientErrors.form.length > 0 && (
            <p className="alert alert-error" role="alert">
              {clientErrors.form.join(" ")}
            </p>
          )}
          <ErrorMessage error={mutation.error} />
          <button
            type="submit"
            className="button button-primary button-block"
            disabled={mutation.isPending || login.isPending || checking}
          >
            {mutation.isPending || login.isPending || checking
              ? mode === "sign-in"
                ? "Signing in…"
                : "Creating account…"
              : mode === "sign-in"
                ? "Sign in"
                : "Create account"}
          </button>
        </form>
        <p className="auth-switch">
          {mode === "sign-in" ? (
            <>
              New to Steno? <Link href="/register">Create an account</Link>
            </>
          ) : (
            <>
              Already have an account? <Link href="/sign-in">Sign in</Link>
            </>
          )}
        </p>
        <div className="auth-footer">
          <AiProviderBadge />
        </div>
      </div>
    </main>
  );
}
