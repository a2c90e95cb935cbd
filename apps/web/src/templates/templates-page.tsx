import {
  createTemplateInput,
  TEMPLATE_VARIABLES,
  type TemplateVariable,
  unknownTemplateVariables,
  unknownVariablesMessage,
  updateTemplateInput,
} from "@steno/shared";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { LetterPreview } from "../components/letter-preview.tsx";
import { ErrorMessage, Field, formatDate, Loading, Notice } from "../components/ui.tsx";
import { describeError, zodFieldErrors } from "../lib/errors.ts";
import type { SessionData } from "../lib/session.ts";
import { useTitle } from "../lib/use-title.ts";
import { useTRPC } from "../trpc.ts";

const NEW = "new";

export default function TemplatesPage({ session }: { session: SessionData }) {
  const trpc = useTRPC();
  const templates = useQuery(trpc.templates.list.queryOptions());
  const [selected, setSelected] = useState<string | null>(null);
  const current = selected ?? templates.data?.items[0]?.id ?? null;
  const canChange = session.user.role !== "paralegal";
  useTitle("Templates");

  return (
    <section className="page page-wide">
      <div className="page-header">
        <h1>Letter templates</h1>
        {canChange && (
          <button type="button" className="button button-primary" onClick={() => setSelected(NEW)}>
            New template
          </button>
        )}
      </div>
      {!canChange && (
        <Notice>Only attorneys and admins can change templates; you can read and preview them.</Notice>
      )}
      <div className="templates-layout">
        <nav aria-label="Templates" className="template-list">
          {templates.isPending && <Loading label="Loading templates…" />}
          <ErrorMessage error={templates.error} onRetry={() => void templates.refetch()} />
          <ul>
            {templates.data?.items.map((t) => (
              <li key={t.id}>
                <button
                  type="button"
                  className={`list-button${current === t.id ? " is-selected" : ""}`}
                  aria-current={current === t.id ? "true" : undefined}
                  onClick={() => setSelected(t.id)}
                >
                  <strong>{t.name}</strong>
                  <span className="muted">
                    v{t.version} · updated {formatDate(t.updatedAt)}
                  </span>
                </button>
              </li>
            ))}
          </ul>
          {templates.data?.items.length === 0 && <p className="muted">No templates yet.</p>}
        </nav>
        {current === NEW ? (
          <TemplateEditor key={NEW} templateId={null} canChange={canChange} onSaved={setSelected} />
        ) : current ? (
          <TemplateEditor key={current} templateId={current} canChange={canChange} onSaved={setSelected} />
        ) : null}
      </div>
    </section>
  );
}

function TemplateEditor({
  templateId,
  canChange,
  onSaved,
}: {
  templateId: string | null;
  canChange: boolean;
  onSaved: (id: string | null) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const template = useQuery({
    ...trpc.templates.get.queryOptions({ templateId: templateId ?? "" }),
    enabled: templateId !== null,
  });
  const [name, setName] = useState("");
  const [body, setBody] = useState("");
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [saved, setSaved] = useState<string | null>(null);
  const bodyRef = useRef<HTMLTextAreaElement>(null);

  // Filled once: a refetch after saving must not overwrite what is being typed.
  const loaded = useRef(false);
  useEffect(() => {
    if (template.data && !loaded.current) {
      loaded.current = true;
      setName(template.data.name);
      setBody(template.data.body);
    }
  }, [template.data]);

  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.templates.pathKey() });
  const create = useMutation(
    trpc.templates.create.mutationOptions({
      onSuccess: (t) => {
        void invalidate();
        onSaved(t.id);
      },
    }),
  );
  const update = useMutation(
    trpc.templates.update.mutationOptions({
      onSuccess: (t) => {
        setSaved(t ? `Saved as version ${t.version}.` : "Saved.");
        void invalidate();
      },
    }),
  );
  const archive = useMutation(
    trpc.templates.archive.mutationOptions({
      onSuccess: () => {
        void invalidate();
        onSaved(null);
      },
    }),
  );
  const mutation = templateId ? update : create;
  const serverFields = mutation.error ? describeError(mutation.error).fieldErrors : {};
  const unknown = unknownTemplateVariables(body);
  const dirty = template.data
    ? template.data.name !== name || template.data.body !== body
    : body !== "" || name !== "";

  const insertVariable = (variable: TemplateVariable) => {
    const area = bodyRef.current;
    const token = `{{${variable}}}`;
    if (!area) return setBody((b) => b + token);
    const { selectionStart, selectionEnd } = area;
    const next = body.slice(0, selectionStart) + token + body.slice(selectionEnd);
    setBody(next);
    requestAnimationFrame(() => {
      area.focus();
      area.setSelectionRange(selectionStart + token.length, selectionStart + token.length);
    });
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(null);
    const parsed = templateId
      ? updateTemplateInput.safeParse({ templateId, name, body })
      : createTemplateInput.safeParse({ name, body });
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error.issues).fields);
    setErrors({});
    if (templateId) update.mutate({ templateId, name, body });
    else create.mutate({ name, body });
  };

  if (templateId && template.isPending) return <Loading label="Loading the template…" />;
  if (templateId && template.isError) {
    return <ErrorMessage error={template.error} onRetry={() => void template.refetch()} />;
  }

  return (
    <div className="template-editor">
      <form onSubmit={submit} noValidate className="template-form" aria-label="Template">
        <Field label="Name" errors={errors.name ?? serverFields.name}>
          {(p) => (
            <input {...p} value={name} onChange={(e) => setName(e.target.value)} readOnly={!canChange} />
          )}
        </Field>
        <div className="template-body-row">
          <Field
            label="Body"
            // Unknown variables show as they are typed, in the field; the same message from a
            // submit or the server is not shown a second time (Field says each message once).
            errors={[
              ...(errors.body ?? serverFields.body ?? []),
              ...(unknown.length > 0 ? [unknownVariablesMessage(unknown)] : []),
            ]}
            hint="Blank line between paragraphs; “# ” starts a heading, “- ” a list item. Variables go in {{ }}."
          >
            {(p) => (
              <textarea
                {...p}
                ref={bodyRef}
                className="mono"
                rows={24}
                value={body}
                readOnly={!canChange}
                onChange={(e) => {
                  setBody(e.target.value);
                  // A submit's complaint about the body goes once the body changes; unknown
                  // variables are checked again as it is typed.
                  setErrors(({ body: _body, ...rest }) => rest);
                }}
              />
            )}
          </Field>
          <aside className="variable-picker" aria-labelledby={`${id}-vars`}>
            <h3 id={`${id}-vars`}>Insert a variable</h3>
            <ul>
              {(Object.entries(TEMPLATE_VARIABLES) as Array<[TemplateVariable, string]>).map(
                ([variable, label]) => (
                  <li key={variable}>
                    <button
                      type="button"
                      className="variable"
                      disabled={!canChange}
                      onClick={() => insertVariable(variable)}
                      title={`Insert {{${variable}}}`}
                    >
                      <code>{variable}</code>
                      <span>{label}</span>
                    </button>
                  </li>
                ),
              )}
            </ul>
          </aside>
        </div>
        {!Object.keys(serverFields).length && <ErrorMessage error={mutation.error} />}
        <ErrorMessage error={archive.error} />
        {saved && !dirty && <Notice tone="success">{saved}</Notice>}
        {canChange && (
          <div className="form-actions form-actions-start">
            <button type="submit" className="button button-primary" disabled={mutation.isPending || !dirty}>
              {mutation.isPending ? "Saving…" : templateId ? "Save new version" : "Create template"}
            </button>
            {templateId && (
              <button
                type="button"
                className="button button-danger"
                disabled={archive.isPending}
                onClick={() => {
                  if (confirm(`Archive “${name}”? Letters already drafted keep their text.`)) {
                    archive.mutate({ templateId });
                  }
                }}
              >
                Archive
              </button>
            )}
            {template.data && (
              <span className="muted">
                Version {template.data.version}
                {dirty ? " · unsaved changes" : ""}
              </span>
            )}
          </div>
        )}
      </form>
      <PreviewPanel body={body} />
    </div>
  );
}

function PreviewPanel({ body }: { body: string }) {
  const trpc = useTRPC();
  const [documentId, setDocumentId] = useState("");
  const cases = useQuery(trpc.documents.list.queryOptions({ limit: 50 }));
  // The server fills the template by the code that prints drafts; typing waits for a pause.
  const [typed, setTyped] = useState(body);
  useEffect(() => {
    const timer = setTimeout(() => setTyped(body), 400);
    return () => clearTimeout(timer);
  }, [body]);
  const preview = useMutation(trpc.templates.preview.mutationOptions());
  const { mutate } = preview;
  useEffect(() => {
    if (documentId && typed.trim()) mutate({ documentId, body: typed });
  }, [documentId, typed, mutate]);
  const enabled = documentId !== "";

  return (
    <section className="template-preview-panel" aria-label="Preview">
      <div className="toolbar">
        <h2>Preview</h2>
        <div className="field field-inline field-grow">
          <label htmlFor="preview-case">Against case</label>
          <select id="preview-case" value={documentId} onChange={(e) => setDocumentId(e.target.value)}>
            <option value="">Choose a case…</option>
            {cases.data?.items.map((c) => (
              <option key={c.id} value={c.id}>
                {c.title}
              </option>
            ))}
          </select>
        </div>
      </div>
      {!enabled ? (
        <p className="muted">
          Pick a case to see this template with its client, letterhead, approved facts and damages.
        </p>
      ) : preview.error ? (
        <ErrorMessage error={preview.error} />
      ) : !preview.data ? (
        <Loading label="Preparing the preview…" />
      ) : (
        <>
          <p className="muted small">
            Filled from the case as a draft would be. Bracketed values are not confirmed in the case profile
            (or are written when a draft is generated).
          </p>
          <LetterPreview className="template-preview" letter={preview.data} />
        </>
      )}
    </section>
  );
}
