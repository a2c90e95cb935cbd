import { firmUpdateInput, signerUpdateInput } from "@steno/shared";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { ErrorMessage, Field, Loading, Notice } from "../components/ui.tsx";
import { describeError, zodFieldErrors } from "../lib/errors.ts";
import type { SessionData } from "../lib/session.ts";
import { useTitle } from "../lib/use-title.ts";
import { useTRPC } from "../trpc.ts";
import { FirmMembers } from "./firm-members.tsx";

const FIELDS = [
  { name: "name", label: "Firm name", autoComplete: "organization" },
  { name: "attorneyName", label: "Signing attorney", autoComplete: "name" },
  { name: "addressLine1", label: "Address line 1", autoComplete: "address-line1" },
  { name: "addressLine2", label: "Address line 2", autoComplete: "address-line2" },
  { name: "city", label: "City", autoComplete: "address-level2" },
  { name: "region", label: "State", autoComplete: "address-level1" },
  { name: "postalCode", label: "ZIP code", autoComplete: "postal-code" },
  { name: "phone", label: "Phone", autoComplete: "tel" },
  { name: "email", label: "Email", autoComplete: "email" },
] as const;

type Values = Record<
  (typeof FIELDS)[number]["name"] | "signatureBlock" | "claimBasis" | "pageSize" | "caseVisibility",
  string
>;

export default function FirmSettingsPage({ session }: { session: SessionData }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const firm = useQuery(trpc.firm.get.queryOptions());
  const [values, setValues] = useState<Values | null>(null);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const isAdmin = session.user.role === "admin";
  useTitle("Firm settings");
  const update = useMutation(
    trpc.firm.update.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.firm.get.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.auth.me.queryKey() });
        // The letterhead and the claim basis change what a letter prints and what blocks it.
        void queryClient.invalidateQueries({ queryKey: trpc.letters.pathKey() });
      },
    }),
  );

  // Filled once: a refetch after saving must not overwrite what is being typed.
  useEffect(() => {
    if (firm.data && !values) {
      const { id: _id, ...rest } = firm.data;
      setValues(Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, v ?? ""])) as unknown as Values);
    }
  }, [firm.data, values]);

  if (firm.isPending || (!values && !firm.isError)) return <Loading label="Loading the letterhead…" />;
  if (firm.isError || !values) return <ErrorMessage error={firm.error} onRetry={() => void firm.refetch()} />;

  const serverFields = update.error ? describeError(update.error).fieldErrors : {};
  const set = (name: keyof Values) => (e: { target: { value: string } }) => {
    update.reset();
    setValues((v) => (v ? { ...v, [name]: e.target.value } : v));
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    // Empty optional fields clear the value rather than storing "".
    const input = Object.fromEntries(
      Object.entries(values).map(([k, v]) => [k, k === "name" ? v : v.trim() === "" ? null : v]),
    );
    const parsed = firmUpdateInput.safeParse(input);
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error.issues).fields);
    setErrors({});
    update.mutate(parsed.data);
  };

  return (
    <section className="page">
      <div className="page-header">
        <h1>Firm settings</h1>
      </div>
      <p className="muted">The letterhead and signature used when drafting and exporting letters.</p>
      {!isAdmin && <Notice>Only a firm admin can change the letterhead.</Notice>}
      <form onSubmit={submit} noValidate className="card settings-form" aria-label="Letterhead">
        <fieldset disabled={!isAdmin} className="fieldset-plain">
          <div className="form-grid">
            {FIELDS.map((f) => (
              <Field key={f.name} label={f.label} errors={errors[f.name] ?? serverFields[f.name]}>
                {(p) => (
                  <input
                    {...p}
                    type={f.name === "email" ? "email" : f.name === "phone" ? "tel" : "text"}
                    autoComplete={f.autoComplete}
                    value={values[f.name]}
                    onChange={set(f.name)}
                  />
                )}
              </Field>
            ))}
          </div>
          <Field
            label="Signature block"
            errors={errors.signatureBlock ?? serverFields.signatureBlock}
            hint="Printed under the signing attorney's name and bar number (title, firm), one line per line. Letterhead and signature are applied at export: a change here reaches the next export without a new draft."
          >
            {(p) => (
              <textarea {...p} rows={4} value={values.signatureBlock} onChange={set("signatureBlock")} />
            )}
          </Field>
          <Field
            label="Medical specials claimed"
            errors={errors.claimBasis ?? serverFields.claimBasis}
            hint="Firm policy for every letter: the amounts providers billed, or what was paid (billed less adjustments and write-offs)."
          >
            {(p) => (
              <select {...p} value={values.claimBasis} onChange={set("claimBasis")}>
                <option value="billed">What providers billed</option>
                <option value="paid">What was paid</option>
              </select>
            )}
          </Field>
          <Field
            label="Paper size"
            errors={errors.pageSize ?? serverFields.pageSize}
            hint="The page exported letters (.docx and .pdf) are laid out for, with 1-inch margins."
          >
            {(p) => (
              <select {...p} value={values.pageSize} onChange={set("pageSize")}>
                <option value="letter">US Letter (8.5 × 11 in)</option>
                <option value="a4">A4 (210 × 297 mm)</option>
              </select>
            )}
          </Field>
          <Field
            label="Who sees a new case"
            errors={errors.caseVisibility ?? serverFields.caseVisibility}
            hint="Applies to cases opened from now on. With the whole firm, every member can open the case as a viewer; the people on it keep the role they were given."
          >
            {(p) => (
              <select {...p} value={values.caseVisibility} onChange={set("caseVisibility")}>
                <option value="collaborators">Only the people on the case</option>
                <option value="firm">The whole firm</option>
              </select>
            )}
          </Field>
        </fieldset>
        {!Object.keys(serverFields).length && <ErrorMessage error={update.error} />}
        {update.isSuccess && <Notice tone="success">Letterhead saved.</Notice>}
        {isAdmin && (
          <div className="form-actions form-actions-start">
            <button type="submit" className="button button-primary" disabled={update.isPending}>
              {update.isPending ? "Saving…" : "Save letterhead"}
            </button>
          </div>
        )}
      </form>
      <FirmMembers session={session} />
      <SignerForm />
      <MentionEmailsSetting />
    </section>
  );
}

const SIGNER_FIELDS = [
  { name: "name", label: "Display name", type: "text", autoComplete: "name" },
  { name: "title", label: "Title", type: "text", autoComplete: "organization-title" },
  { name: "barNumber", label: "Bar number", type: "text", autoComplete: "off" },
  { name: "phone", label: "Direct phone", type: "tel", autoComplete: "tel" },
  { name: "contactEmail", label: "Email printed on letters", type: "email", autoComplete: "email" },
] as const;

type SignerValues = Record<(typeof SIGNER_FIELDS)[number]["name"] | "emailSignature", string>;

/** Each person's own profile: their lines of the signature block, and their email signature. */
function SignerForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const signer = useQuery(trpc.firm.signer.queryOptions());
  const [values, setValues] = useState<SignerValues | null>(null);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const update = useMutation(
    trpc.firm.updateSigner.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.firm.signer.queryKey() });
        // The name shows in the header and the members list.
        void queryClient.invalidateQueries({ queryKey: trpc.auth.me.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.firm.members.queryKey() });
      },
    }),
  );
  useEffect(() => {
    if (signer.data && !values)
      setValues({
        name: signer.data.name,
        title: signer.data.title ?? "",
        emailSignature: signer.data.emailSignature ?? "",
        barNumber: signer.data.barNumber ?? "",
        phone: signer.data.phone ?? "",
        contactEmail: signer.data.contactEmail ?? "",
      });
  }, [signer.data, values]);
  if (signer.isError) return <ErrorMessage error={signer.error} onRetry={() => void signer.refetch()} />;
  if (!values || !signer.data) return <Loading label="Loading your signature…" />;
  const serverFields = update.error ? describeError(update.error).fieldErrors : {};
  const submit = (event: FormEvent) => {
    event.preventDefault();
    // Empty optional fields clear the value; the name is required.
    const input = Object.fromEntries(
      Object.entries(values).map(([k, v]) => [k, k !== "name" && v.trim() === "" ? null : v]),
    );
    const parsed = signerUpdateInput.safeParse(input);
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error.issues).fields);
    setErrors({});
    update.mutate(parsed.data);
  };
  return (
    <form onSubmit={submit} noValidate className="card settings-form" aria-label="Your profile">
      <h2>Your profile</h2>
      <p className="muted">
        Your name, title, bar number and contacts are printed in the signature block of the letters of the
        cases you open.
      </p>
      <div className="form-grid">
        {SIGNER_FIELDS.map((f) => (
          <Field key={f.name} label={f.label} errors={errors[f.name] ?? serverFields[f.name]}>
            {(p) => (
              <input
                {...p}
                type={f.type}
                autoComplete={f.autoComplete}
                value={values[f.name]}
                onChange={(e) => {
                  update.reset();
                  setValues((v) => (v ? { ...v, [f.name]: e.target.value } : v));
                }}
              />
            )}
          </Field>
        ))}
      </div>
      <Field
        label="Email signature"
        errors={errors.emailSignature ?? serverFields.emailSignature}
        hint="Ends the invitations Steno mails on your behalf, one line per line."
      >
        {(p) => (
          <textarea
            {...p}
            rows={4}
            value={values.emailSignature}
            onChange={(e) => {
              update.reset();
              setValues((v) => (v ? { ...v, emailSignature: e.target.value } : v));
            }}
          />
        )}
      </Field>
      {!Object.keys(serverFields).length && <ErrorMessage error={update.error} />}
      {update.isSuccess && <Notice tone="success">Profile saved.</Notice>}
      <div className="form-actions form-actions-start">
        <button type="submit" className="button button-primary" disabled={update.isPending}>
          {update.isPending ? "Saving…" : "Save profile"}
        </button>
      </div>
    </form>
  );
}

/** Whether an @mention is emailed too: saved as soon as it is ticked (the bell has it either way). */
function MentionEmailsSetting() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const signer = useQuery(trpc.firm.signer.queryOptions());
  // What was ticked, shown at once; back to the saved value if saving fails.
  const [ticked, setTicked] = useState<boolean | null>(null);
  const update = useMutation(
    trpc.firm.updateSigner.mutationOptions({
      onSuccess: (saved) => queryClient.setQueryData(trpc.firm.signer.queryKey(), saved),
      onSettled: () => setTicked(null),
    }),
  );
  if (!signer.data) return null;
  return (
    <section className="card settings-form" aria-label="Notifications">
      <h2>Notifications</h2>
      <label className="check">
        <input
          type="checkbox"
          checked={ticked ?? signer.data.mentionEmails}
          disabled={update.isPending}
          onChange={(e) => {
            setTicked(e.target.checked);
            update.mutate({ mentionEmails: e.target.checked });
          }}
        />{" "}
        Email me when someone @mentions me in a comment
      </label>
      <p className="muted">The bell shows every mention either way.</p>
      <ErrorMessage error={update.error} />
    </section>
  );
}
