import { confirmProfileFieldInput, PROFILE_FIELD_NAMES, type ProfileField } from "@steno/shared";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useState } from "react";
import { Badge, ErrorMessage, Field, formatDate, Loading } from "../components/ui.tsx";
import { zodFieldErrors } from "../lib/errors.ts";
import {
  type CaseProfile,
  type Citation,
  canEdit,
  type ProfileCitation,
  type ProfileFieldView,
  type Role,
} from "../lib/types.ts";
import { useTRPC } from "../trpc.ts";

type Props = {
  documentId: string;
  role: Role;
  onOpenCitation: (citation: Citation) => void;
  /** a field a readiness item sent the attorney to; scrolled to and focused */
  focusField: { field: ProfileField; at: number } | null;
};

function useProfileMutations(documentId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const onSuccess = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.profile.get.queryKey({ documentId }) });
    void queryClient.invalidateQueries({ queryKey: trpc.letters.readiness.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.chronology.get.queryKey({ documentId }) });
  };
  return {
    confirm: useMutation(trpc.profile.confirm.mutationOptions({ onSuccess })),
    clear: useMutation(trpc.profile.clear.mutationOptions({ onSuccess })),
  };
}

type Mutations = ReturnType<typeof useProfileMutations>;

/**
 * The parties and numbers the letter is addressed with. Each field shows what a person confirmed,
 * or what the records propose with the page each value comes from; generation prints only
 * confirmed values.
 */
export function ProfilePane({ documentId, role, onOpenCitation, focusField }: Props) {
  const trpc = useTRPC();
  const headingId = useId();
  const profile = useQuery(trpc.profile.get.queryOptions({ documentId }));
  const mutations = useProfileMutations(documentId);
  const editable = canEdit(role);

  useEffect(() => {
    if (!focusField) return;
    const element = document.getElementById(`profile-field-${focusField.field}`);
    element?.scrollIntoView({ block: "center" });
    element?.focus({ preventScroll: true });
  }, [focusField]);

  const confirmedCount = profile.data
    ? PROFILE_FIELD_NAMES.filter((f) => profile.data.fields[f].confirmed).length
    : 0;
  return (
    <section className="pane pane-profile" aria-labelledby={headingId}>
      <header className="pane-header">
        <h2 id={headingId}>Case profile</h2>
        {profile.data && (
          <span className="muted" data-testid="profile-count">
            {confirmedCount} of {PROFILE_FIELD_NAMES.length} confirmed
          </span>
        )}
      </header>
      <div className="pane-body">
        <p className="muted pane-intro">
          The letter prints only confirmed values; anything unconfirmed prints as a [placeholder].
        </p>
        {profile.isPending && <Loading label="Loading the case profile…" />}
        <ErrorMessage error={profile.error} onRetry={() => void profile.refetch()} />
        {profile.data && <Conflicts profile={profile.data} onOpenCitation={onOpenCitation} />}
        {profile.data && (
          <ul className="profile-fields">
            {PROFILE_FIELD_NAMES.map((field) => (
              <ProfileFieldItem
                key={field}
                documentId={documentId}
                view={profile.data.fields[field]}
                editable={editable}
                mutations={mutations}
                onOpenCitation={onOpenCitation}
              />
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}

const citationLabel = (c: ProfileCitation) =>
  c.sourceFilename
    ? c.pageNumber
      ? `p. ${c.pageNumber} of ${c.sourceFilename}`
      : c.sourceFilename
    : "no source";

function CitationLinks({
  citations,
  onOpenCitation,
}: {
  citations: ProfileCitation[];
  onOpenCitation: (citation: Citation) => void;
}) {
  return (
    <span className="profile-citations">
      {citations.map((c) =>
        c.sourceId && c.pageNumber ? (
          <button
            key={c.factId}
            type="button"
            className="link-button"
            title={c.quote ?? undefined}
            onClick={() =>
              onOpenCitation({
                sourceId: c.sourceId as string,
                filename: c.sourceFilename ?? "Source",
                pageNumber: c.pageNumber as number,
                quote: c.quote,
              })
            }
          >
            {citationLabel(c)}
            {!c.verified && <span className="sr-only"> (quote not found on the page)</span>}
            {!c.verified && <span aria-hidden="true"> ⚠</span>}
          </button>
        ) : (
          <span key={c.factId} className="muted">
            {citationLabel(c)}
          </span>
        ),
      )}
    </span>
  );
}

function Conflicts({
  profile,
  onOpenCitation,
}: {
  profile: CaseProfile;
  onOpenCitation: (citation: Citation) => void;
}) {
  const open = profile.conflicts.filter((c) => !c.resolved);
  if (open.length === 0) return null;
  return (
    <div className="alert alert-warning profile-conflicts" role="status">
      <div>
        <strong>
          {open.length} conflict{open.length === 1 ? "" : "s"} in the records
        </strong>
        <ul className="profile-conflict-list">
          {open.map((c) => (
            <li key={c.key}>
              {c.label}:{" "}
              {c.values.map((v, i) => (
                <span key={v.fromCase ? "case" : v.value}>
                  {i > 0 && " vs "}“{v.value}”{" "}
                  {v.fromCase ? (
                    <span className="muted">(the case)</span>
                  ) : (
                    <CitationLinks citations={v.citations.slice(0, 3)} onOpenCitation={onOpenCitation} />
                  )}
                </span>
              ))}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

function ProfileFieldItem({
  documentId,
  view,
  editable,
  mutations,
  onOpenCitation,
}: {
  documentId: string;
  view: ProfileFieldView;
  editable: boolean;
  mutations: Mutations;
  onOpenCitation: (citation: Citation) => void;
}) {
  const [editing, setEditing] = useState(false);
  const { field, label, confirmed, proposals, conflict } = view;
  const pendingHere =
    (mutations.confirm.isPending && mutations.confirm.variables?.field === field) ||
    (mutations.clear.isPending && mutations.clear.variables?.field === field);
  const error =
    (mutations.confirm.variables?.field === field && mutations.confirm.error) ||
    (mutations.clear.variables?.field === field && mutations.clear.error) ||
    null;
  const confirm = (value: string, factId?: string) =>
    mutations.confirm.mutate({ documentId, field, value, factId }, { onSuccess: () => setEditing(false) });

  return (
    <li
      id={`profile-field-${field}`}
      tabIndex={-1}
      className={`profile-field${confirmed ? " is-confirmed" : ""}${conflict && !confirmed ? " has-conflict" : ""}`}
      data-testid="profile-field"
    >
      <div className="profile-field-head">
        <h3>{label}</h3>
        {confirmed ? (
          <Badge tone="success">Confirmed</Badge>
        ) : conflict ? (
          <Badge tone="warning">Conflict</Badge>
        ) : (
          <Badge tone="neutral">Not confirmed</Badge>
        )}
      </div>
      {editing ? (
        <ValueForm
          label={label}
          initial={confirmed?.value ?? proposals[0]?.value ?? ""}
          busy={pendingHere}
          onSubmit={(value) => confirm(value)}
          onCancel={() => {
            mutations.confirm.reset();
            setEditing(false);
          }}
          field={field}
        />
      ) : confirmed ? (
        <div className="profile-confirmed">
          <p className="profile-value">{confirmed.value}</p>
          <p className="muted profile-by">
            Confirmed{confirmed.by?.name ? ` by ${confirmed.by.name}` : ""} on {formatDate(confirmed.at)}
          </p>
          {editable && (
            <div className="row-actions">
              <button
                type="button"
                className="button button-small"
                aria-label={`Edit ${label}`}
                onClick={() => setEditing(true)}
              >
                Edit
              </button>
              <button
                type="button"
                className="button button-small button-ghost"
                aria-label={`Clear ${label}`}
                disabled={pendingHere}
                onClick={() => mutations.clear.mutate({ documentId, field })}
              >
                Clear
              </button>
            </div>
          )}
        </div>
      ) : (
        <>
          {proposals.length === 0 ? (
            <p className="muted profile-none">Not found in the records.</p>
          ) : (
            <ul className="profile-proposals" aria-label={`Proposed values for ${label}`}>
              {proposals.map((p) => (
                <li key={p.value}>
                  <span className="profile-value">{p.value}</span>{" "}
                  <CitationLinks citations={p.citations} onOpenCitation={onOpenCitation} />
                  {editable && (
                    <button
                      type="button"
                      className="button button-small"
                      aria-label={`Confirm ${label}: ${p.value}`}
                      disabled={pendingHere}
                      onClick={() => confirm(p.value, p.citations[0]?.factId)}
                    >
                      Confirm
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
          {editable && (
            <button
              type="button"
              className="button button-small button-ghost"
              // The visible words begin the name (WCAG 2.5.3): voice control users say what they see.
              aria-label={`${proposals.length ? "Enter another value" : "Enter a value"} for ${label}`}
              onClick={() => setEditing(true)}
            >
              {proposals.length ? "Enter another value" : "Enter a value"}
            </button>
          )}
        </>
      )}
      {error && <ErrorMessage error={error} />}
    </li>
  );
}

function ValueForm({
  field,
  label,
  initial,
  busy,
  onSubmit,
  onCancel,
}: {
  field: ProfileField;
  label: string;
  initial: string;
  busy: boolean;
  onSubmit: (value: string) => void;
  onCancel: () => void;
}) {
  const [value, setValue] = useState(initial);
  const [errors, setErrors] = useState<string[] | undefined>();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = confirmProfileFieldInput.safeParse({ field, value });
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error.issues).fields.value);
    setErrors(undefined);
    onSubmit(parsed.data.value);
  };
  return (
    <form className="inline-form profile-form" onSubmit={submit} noValidate aria-label={`Confirm ${label}`}>
      <Field label={label} errors={errors}>
        {(p) => (
          <input
            {...p}
            value={value}
            // biome-ignore lint/a11y/noAutofocus: the user just asked to enter this value
            autoFocus
            onChange={(e) => setValue(e.target.value)}
            onKeyDown={(e) => e.key === "Escape" && onCancel()}
          />
        )}
      </Field>
      <button type="button" className="button button-small" onClick={onCancel}>
        Cancel
      </button>
      <button type="submit" className="button button-small button-primary" disabled={busy}>
        {busy ? "Saving…" : "Confirm"}
      </button>
    </form>
  );
}
