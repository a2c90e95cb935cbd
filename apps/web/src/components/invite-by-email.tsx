import { type FormEvent, useState } from "react";
import type { z } from "zod";
import { describeError, zodFieldErrors } from "../lib/errors.ts";
import { ErrorMessage, Field } from "./ui.tsx";

type Props<Role extends string> = {
  /** the form's accessible name, e.g. "Invite a member" */
  label: string;
  roles: ReadonlyArray<{ value: Role; label: string }>;
  initialRole: Role;
  /** the procedure's own input schema, so the form refuses what the server would */
  schema: { safeParse(input: unknown): z.ZodSafeParseResult<{ email: string; role: Role }> };
  pending: boolean;
  /** the mutation's error: its field errors show under the fields */
  error: unknown;
  /** resolves once the invitation is sent; the address is then cleared for the next one */
  onInvite: (input: { email: string; role: Role }) => Promise<unknown>;
};

/** An email and a role, checked here with the procedure's schema, then sent; its errors shown. */
export function InviteByEmail<Role extends string>(props: Props<Role>) {
  const { label, roles, initialRole, schema, pending, error, onInvite } = props;
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>(initialRole);
  const [clientErrors, setClientErrors] = useState<Record<string, string[]>>({});
  const serverFields = error ? describeError(error).fieldErrors : {};

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = schema.safeParse({ email, role });
    if (!parsed.success) return setClientErrors(zodFieldErrors(parsed.error.issues).fields);
    setClientErrors({});
    onInvite(parsed.data).then(
      () => setEmail(""),
      // The mutation's state shows the error.
      () => undefined,
    );
  };

  return (
    <>
      <form className="invite-form" onSubmit={submit} noValidate aria-label={label}>
        <Field label="Invite by email" errors={clientErrors.email ?? serverFields.email}>
          {(p) => (
            <input
              {...p}
              type="email"
              autoComplete="off"
              placeholder="colleague@firm.com"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          )}
        </Field>
        <Field label="Role">
          {(p) => (
            <select {...p} value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {roles.map((r) => (
                <option key={r.value} value={r.value}>
                  {r.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit" className="button button-primary" disabled={pending}>
          {pending ? "Inviting…" : "Invite"}
        </button>
      </form>
      {/* Field errors show under their fields; anything else here. */}
      {!Object.keys(serverFields).length && <ErrorMessage error={error} />}
    </>
  );
}
