import { createDocumentInput, DOCUMENT_STATUSES, type DocumentStatus } from "@steno/shared";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link, useLocation } from "wouter";
import {
  Badge,
  Dialog,
  ErrorMessage,
  Field,
  FormActions,
  formatDate,
  Loading,
  STATUS_LABELS,
} from "../components/ui.tsx";
import { describeError, zodFieldErrors } from "../lib/errors.ts";
import { offerText, responseBadge } from "../lib/response.ts";
import { useDebounced } from "../lib/use-debounced.ts";
import { useTitle } from "../lib/use-title.ts";
import { useTRPC } from "../trpc.ts";

const PAGE_SIZE = 20;

export function CasesPage() {
  const [search, setSearch] = useState("");
  const [status, setStatus] = useState<DocumentStatus | "">("");
  const [sort, setSort] = useState<CaseSort>("created");
  const [creating, setCreating] = useState(false);
  const query = useDebounced(search.trim(), 250);
  useTitle("Cases");

  return (
    <section className="page">
      <div className="page-header">
        <h1>Cases</h1>
        <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
          New case
        </button>
      </div>
      <search className="toolbar" aria-label="Find cases">
        <div className="field field-inline field-grow">
          <label htmlFor="case-search">Search</label>
          <input
            id="case-search"
            type="search"
            placeholder="Case title or any fact, e.g. “neck pain”"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </div>
        <div className="field field-inline">
          <label htmlFor="case-status">Status</label>
          <select
            id="case-status"
            value={status}
            onChange={(e) => setStatus(e.target.value as DocumentStatus | "")}
            disabled={query.length > 0}
          >
            <option value="">All</option>
            {DOCUMENT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-inline">
          <label htmlFor="case-sort">Sort</label>
          <select
            id="case-sort"
            value={sort}
            onChange={(e) => setSort(e.target.value as CaseSort)}
            disabled={query.length > 0}
          >
            <option value="created">Newest first</option>
            <option value="deadline">Response deadline</option>
          </select>
        </div>
      </search>
      <Invitations />
      {query ? <SearchResults query={query} /> : <CaseList status={status || null} sort={sort} />}
      {creating && <NewCaseDialog onClose={() => setCreating(false)} />}
    </section>
  );
}

/** Invitations to other people's cases, waiting for an answer; a case joins the list on Accept. */
function Invitations() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const invites = useQuery(trpc.collaborators.pendingInvites.queryOptions());
  const settled = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.collaborators.pendingInvites.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.documents.list.pathKey() });
  };
  const accept = useMutation(trpc.collaborators.accept.mutationOptions({ onSettled: settled }));
  const decline = useMutation(trpc.collaborators.decline.mutationOptions({ onSettled: settled }));
  const items = invites.data?.items ?? [];
  if (items.length === 0) return null;
  const busy = accept.isPending || decline.isPending;
  return (
    <section className="invitations" aria-label="Invitations">
      <h2>Invitations</h2>
      <ErrorMessage error={accept.error ?? decline.error} />
      <ul className="people">
        {items.map((invite) => (
          <li key={invite.id} data-testid="invitation">
            <div className="person">
              <strong>{invite.title}</strong>
              <span className="muted">
                {invite.invitedBy ? `${invite.invitedBy} invited you` : "You are invited"} as{" "}
                {invite.role === "editor" ? "an editor" : "a viewer"}
              </span>
            </div>
            <div className="person-actions">
              <button
                type="button"
                className="button button-small button-primary"
                disabled={busy}
                aria-label={`Accept the invitation to ${invite.title}`}
                onClick={() => accept.mutate({ collaboratorId: invite.id })}
              >
                Accept
              </button>
              <button
                type="button"
                className="button button-small"
                disabled={busy}
                aria-label={`Decline the invitation to ${invite.title}`}
                onClick={() => decline.mutate({ collaboratorId: invite.id })}
              >
                Decline
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

type CaseSort = "created" | "deadline";

function CaseList({ status, sort }: { status: DocumentStatus | null; sort: CaseSort }) {
  const trpc = useTRPC();
  const list = useInfiniteQuery(
    trpc.documents.list.infiniteQueryOptions(
      { limit: PAGE_SIZE, status, sort },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
  );
  if (list.isPending) return <Loading label="Loading cases…" />;
  // A failed "load more" keeps the pages already shown.
  if (!list.data) return <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />;
  const items = list.data.pages.flatMap((p) => p.items);
  if (items.length === 0) {
    return (
      <div className="empty">
        <p>{status ? `No cases are ${STATUS_LABELS[status]?.toLowerCase()}.` : "No cases yet."}</p>
        {!status && <p className="muted">Create a case, then upload its police report, records and bills.</p>}
      </div>
    );
  }
  return (
    <>
      <div className="table-wrap">
        <table className="table cases-table">
          <thead>
            <tr>
              <th scope="col">Case</th>
              <th scope="col">Client</th>
              <th scope="col">Incident</th>
              <th scope="col">Status</th>
              <th scope="col">Response</th>
              <th scope="col">Latest offer</th>
              <th scope="col" className="num">
                Sources
              </th>
              <th scope="col" className="num">
                Facts
              </th>
              <th scope="col">Your role</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => {
              const total =
                c.factCounts.pending + c.factCounts.approved + c.factCounts.edited + c.factCounts.rejected;
              const reviewed = c.factCounts.approved + c.factCounts.edited;
              return (
                <tr key={c.id}>
                  <th scope="row">
                    <Link href={`/cases/${c.id}`}>{c.title}</Link>
                    {c.unreadMentions > 0 && (
                      <span
                        className="mention-marker"
                        title="You were mentioned in a comment (the bell lists it)"
                        data-testid="case-mention-marker"
                      >
                        @{c.unreadMentions > 1 ? ` ${c.unreadMentions}` : ""}
                        <span className="sr-only">
                          {c.unreadMentions === 1 ? " an unread mention" : ` unread mentions`}
                        </span>
                      </span>
                    )}
                  </th>
                  <td>{c.clientName ?? "—"}</td>
                  <td>{formatDate(c.incidentDate)}</td>
                  <td>
                    <Badge tone={c.status}>{STATUS_LABELS[c.status]}</Badge>
                  </td>
                  <td data-testid="case-response">
                    {c.response ? (
                      <ResponseCell response={c.response} />
                    ) : (
                      <span className="muted">Not sent</span>
                    )}
                  </td>
                  <td>{c.latestOffer ? offerText(c.latestOffer) : "—"}</td>
                  <td className="num">{c.sourceCount}</td>
                  <td className="num" title={`${reviewed} approved, ${c.factCounts.pending} pending`}>
                    {total}
                    {c.factCounts.pending > 0 && (
                      <span className="muted"> ({c.factCounts.pending} to review)</span>
                    )}
                  </td>
                  <td className="capitalize">{c.role}</td>
                  <td>{formatDate(c.createdAt)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="list-footer">
        {list.hasNextPage ? (
          <button
            type="button"
            className="button"
            onClick={() => void list.fetchNextPage()}
            disabled={list.isFetchingNextPage}
          >
            {list.isFetchingNextPage ? "Loading…" : "Load more"}
          </button>
        ) : (
          <span className="muted">
            {items.length} case{items.length === 1 ? "" : "s"}
          </span>
        )}
        {list.isFetchNextPageError && (
          <ErrorMessage error={list.error} onRetry={() => void list.fetchNextPage()} />
        )}
      </div>
    </>
  );
}

function ResponseCell({ response }: { response: { responseDueOn: string; respondedOn: string | null } }) {
  const badge = responseBadge(response);
  return (
    <Badge tone={badge.tone} title={`Response due ${formatDate(response.responseDueOn)}`}>
      {badge.label}
    </Badge>
  );
}

function SearchResults({ query }: { query: string }) {
  const trpc = useTRPC();
  const results = useQuery(trpc.documents.search.queryOptions({ query, limit: 50 }));
  if (results.isPending) return <Loading label="Searching…" />;
  if (results.isError) return <ErrorMessage error={results.error} onRetry={() => void results.refetch()} />;
  if (results.data.items.length === 0) {
    return (
      <div className="empty">
        <p>No case title, fact or comment matches “{query}”.</p>
        {/* Postgres full-text search (english) finds a word in any form, not its synonyms. */}
        <p className="muted">
          Every word must appear in one fact; other forms count (“strained” finds “strain”), other words do
          not (“sprain” does not find “strain”).
        </p>
      </div>
    );
  }
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="sr-only">Cases matching {query}</caption>
        <thead>
          <tr>
            <th scope="col">Case</th>
            <th scope="col">Client</th>
            <th scope="col">Status</th>
            <th scope="col">Match</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {results.data.items.map((c) => (
            <tr key={c.id}>
              <th scope="row">
                <Link href={`/cases/${c.id}`}>{c.title}</Link>
              </th>
              <td>{c.clientName ?? "—"}</td>
              <td>
                <Badge tone={c.status}>{STATUS_LABELS[c.status]}</Badge>
              </td>
              <td>
                {[
                  c.titleMatch ? "title" : null,
                  c.factHits ? `${c.factHits} fact${c.factHits === 1 ? "" : "s"}` : null,
                  c.commentHits ? `${c.commentHits} comment${c.commentHits === 1 ? "" : "s"}` : null,
                ]
                  .filter(Boolean)
                  .join(", ")}
              </td>
              <td>{formatDate(c.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function NewCaseDialog({ onClose }: { onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const templates = useQuery(trpc.templates.list.queryOptions());
  const [values, setValues] = useState({ title: "", clientName: "", incidentDate: "", templateId: "" });
  const [clientErrors, setClientErrors] = useState<Record<string, string[]>>({});
  const create = useMutation(
    trpc.documents.create.mutationOptions({
      onSuccess: async (doc) => {
        await queryClient.invalidateQueries({ queryKey: trpc.documents.list.pathKey() });
        navigate(`/cases/${doc.id}`);
      },
    }),
  );
  const serverFields = create.error ? describeError(create.error).fieldErrors : {};
  const errors = (name: string) => clientErrors[name] ?? serverFields[name];
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = createDocumentInput.safeParse({
      title: values.title,
      clientName: values.clientName || null,
      incidentDate: values.incidentDate || null,
      templateId: values.templateId || null,
    });
    if (!parsed.success) return setClientErrors(zodFieldErrors(parsed.error.issues).fields);
    setClientErrors({});
    create.mutate(parsed.data);
  };
  return (
    <Dialog title="New case" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <Field label="Case title" errors={errors("title")}>
          {(p) => (
            <input
              {...p}
              placeholder="Rivera v. Acme Logistics"
              value={values.title}
              onChange={(e) => setValues((v) => ({ ...v, title: e.target.value }))}
            />
          )}
        </Field>
        <div className="form-row">
          <Field label="Client name" errors={errors("clientName")}>
            {(p) => (
              <input
                {...p}
                value={values.clientName}
                onChange={(e) => setValues((v) => ({ ...v, clientName: e.target.value }))}
              />
            )}
          </Field>
          <Field label="Incident date" errors={errors("incidentDate")}>
            {(p) => (
              <input
                {...p}
                type="date"
                value={values.incidentDate}
                onChange={(e) => setValues((v) => ({ ...v, incidentDate: e.target.value }))}
              />
            )}
          </Field>
        </div>
        <Field label="Letter template" errors={errors("templateId")}>
          {(p) => (
            <select
              {...p}
              value={values.templateId}
              onChange={(e) => setValues((v) => ({ ...v, templateId: e.target.value }))}
            >
              <option value="">Firm default</option>
              {templates.data?.items.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name} (v{t.version})
                </option>
              ))}
            </select>
          )}
        </Field>
        <ErrorMessage error={create.error} />
        <FormActions
          onCancel={onClose}
          submitLabel="Create case"
          busyLabel="Creating…"
          busy={create.isPending}
        />
      </form>
    </Dialog>
  );
}
