import {
  addDays,
  type CollaboratorRole,
  formatUsd,
  type LetterSend,
  markSentInput,
  OFFER_PARTIES,
  OFFER_PARTY_LABELS,
  type Offer,
  type OfferParty,
  SEND_METHOD_LABELS,
  SEND_METHODS,
  type SendMethod,
} from "@steno/shared";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Badge, Dialog, ErrorMessage, Field, FormActions, formatDate, Loading } from "../components/ui.tsx";
import { describeError, zodFieldErrors } from "../lib/errors.ts";
import { centsToInput, parseUsd } from "../lib/money.ts";
import { localToday, offerText, responseBadge } from "../lib/response.ts";
import { useTRPC } from "../trpc.ts";
import "./lifecycle.css";

/**
 * The demand after drafting: mark it sent (the file is exported and kept, with its SHA-256 and a
 * locked version), its response deadline, and the offers log.
 */
export function LifecyclePane({ documentId, role }: { documentId: string; role: CollaboratorRole }) {
  const trpc = useTRPC();
  const lifecycle = useQuery(trpc.lifecycle.get.queryOptions({ documentId }));
  const [sending, setSending] = useState(false);
  const canEdit = role !== "viewer";
  if (lifecycle.isPending) return <Loading label="Loading the demand's status…" />;
  if (lifecycle.isError)
    return <ErrorMessage error={lifecycle.error} onRetry={() => void lifecycle.refetch()} />;
  const { sends, respondedOn } = lifecycle.data;
  const latest = sends[0];
  return (
    <div className="lifecycle">
      <section aria-labelledby="sent-heading">
        <div className="section-header">
          <h2 id="sent-heading">Demand sent</h2>
          {canEdit && (
            <button type="button" className="button button-primary" onClick={() => setSending(true)}>
              {latest ? "Mark sent again" : "Mark sent"}
            </button>
          )}
        </div>
        {latest ? (
          <SentLetter documentId={documentId} send={latest} respondedOn={respondedOn} canEdit={canEdit} />
        ) : (
          <p className="muted">
            Not sent yet. Marking it sent exports the letter as it is now and keeps that file.
          </p>
        )}
        {sends.length > 1 && (
          <details>
            <summary>Sent before ({sends.length - 1})</summary>
            <ul className="plain-list">
              {sends.slice(1).map((s) => (
                <li key={s.id}>
                  {formatDate(s.sentOn)} by {SEND_METHOD_LABELS[s.method].toLowerCase()} to {s.recipient} ·{" "}
                  <a href={`/api/documents/${documentId}/sent/${s.id}`}>{s.filename}</a>
                </li>
              ))}
            </ul>
          </details>
        )}
      </section>
      <OffersLog documentId={documentId} canEdit={canEdit} />
      {sending && (
        <MarkSentDialog
          documentId={documentId}
          defaultRecipient={lifecycle.data.defaultRecipient}
          responseDays={lifecycle.data.responseDays}
          onClose={() => setSending(false)}
        />
      )}
    </div>
  );
}

function useInvalidateLifecycle(documentId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.lifecycle.get.queryKey({ documentId }) }),
      queryClient.invalidateQueries({ queryKey: trpc.lifecycle.offers.list.queryKey({ documentId }) }),
      queryClient.invalidateQueries({ queryKey: trpc.documents.get.queryKey({ documentId }) }),
      queryClient.invalidateQueries({ queryKey: trpc.documents.list.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.letters.versions.list.queryKey({ documentId }) }),
    ]);
}

function SentLetter({
  documentId,
  send,
  respondedOn,
  canEdit,
}: {
  documentId: string;
  send: LetterSend;
  respondedOn: string | null;
  canEdit: boolean;
}) {
  const trpc = useTRPC();
  const invalidate = useInvalidateLifecycle(documentId);
  const [due, setDue] = useState(send.responseDueOn);
  const setResponseDue = useMutation(
    trpc.lifecycle.setResponseDue.mutationOptions({ onSuccess: invalidate }),
  );
  const badge = responseBadge({ responseDueOn: send.responseDueOn, respondedOn });
  return (
    <div className="sent-letter" data-testid="sent-letter">
      <p>
        Sent {formatDate(send.sentOn)} by {SEND_METHOD_LABELS[send.method].toLowerCase()} to{" "}
        <strong>{send.recipient}</strong>
        {send.sentBy ? ` (marked by ${send.sentBy})` : ""}.
      </p>
      <p>
        <Badge tone={badge.tone}>{badge.label}</Badge>{" "}
        <span className="muted">Response due {formatDate(send.responseDueOn)}</span>
      </p>
      <p className="muted">
        The file sent: <a href={`/api/documents/${documentId}/sent/${send.id}`}>{send.filename}</a> · SHA-256{" "}
        <code title={send.sha256}>{send.sha256.slice(0, 16)}…</code>
        {send.versionLabel ? ` · locked version “${send.versionLabel}”` : ""}
      </p>
      {canEdit && !respondedOn && (
        <form
          className="inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            setResponseDue.mutate({ documentId, sendId: send.id, responseDueOn: due });
          }}
        >
          <div className="field field-inline">
            <label htmlFor="response-due">Response due</label>
            <input
              id="response-due"
              type="date"
              value={due}
              min={send.sentOn}
              onChange={(e) => setDue(e.target.value)}
            />
          </div>
          <button
            type="submit"
            className="button button-small"
            disabled={setResponseDue.isPending || due === send.responseDueOn}
          >
            Change deadline
          </button>
          <ErrorMessage error={setResponseDue.error} />
        </form>
      )}
    </div>
  );
}

function MarkSentDialog({
  documentId,
  defaultRecipient,
  responseDays,
  onClose,
}: {
  documentId: string;
  defaultRecipient: string;
  responseDays: number;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const invalidate = useInvalidateLifecycle(documentId);
  const today = localToday();
  const [values, setValues] = useState({
    sentOn: today,
    method: "email" as SendMethod,
    recipient: defaultRecipient,
    format: "pdf" as "pdf" | "docx",
    responseDueOn: addDays(today, responseDays),
    dueEdited: false,
  });
  const [clientErrors, setClientErrors] = useState<Record<string, string[]>>({});
  const markSent = useMutation(
    trpc.lifecycle.markSent.mutationOptions({
      onSuccess: async () => {
        await invalidate();
        onClose();
      },
    }),
  );
  const serverFields = markSent.error ? describeError(markSent.error).fieldErrors : {};
  const errors = (name: string) => clientErrors[name] ?? serverFields[name];
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = markSentInput.safeParse({
      sentOn: values.sentOn,
      method: values.method,
      recipient: values.recipient,
      format: values.format,
      responseDueOn: values.responseDueOn,
    });
    if (!parsed.success) return setClientErrors(zodFieldErrors(parsed.error.issues).fields);
    setClientErrors({});
    markSent.mutate({ documentId, ...parsed.data });
  };
  return (
    <Dialog title="Mark the letter sent" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <p className="muted">
          The letter is exported now, as it is; that file is kept with its SHA-256 and the letter is saved as
          a locked version. Send this file (download it from the case once marked).
        </p>
        <div className="form-row">
          <Field label="Sent on" errors={errors("sentOn")}>
            {(p) => (
              <input
                {...p}
                type="date"
                value={values.sentOn}
                max={addDays(today, 1)}
                onChange={(e) =>
                  setValues((v) => ({
                    ...v,
                    sentOn: e.target.value,
                    // The deadline follows the sent day until someone sets it by hand.
                    responseDueOn:
                      v.dueEdited || !e.target.value
                        ? v.responseDueOn
                        : addDays(e.target.value, responseDays),
                  }))
                }
              />
            )}
          </Field>
          <Field label="Method" errors={errors("method")}>
            {(p) => (
              <select
                {...p}
                value={values.method}
                onChange={(e) => setValues((v) => ({ ...v, method: e.target.value as SendMethod }))}
              >
                {SEND_METHODS.map((m) => (
                  <option key={m} value={m}>
                    {SEND_METHOD_LABELS[m]}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <Field
          label="To"
          errors={errors("recipient")}
          hint={defaultRecipient ? "From the case profile's adjuster" : "The case profile names no adjuster"}
        >
          {(p) => (
            <input
              {...p}
              value={values.recipient}
              onChange={(e) => setValues((v) => ({ ...v, recipient: e.target.value }))}
            />
          )}
        </Field>
        <div className="form-row">
          <Field label="File kept" errors={errors("format")}>
            {(p) => (
              <select
                {...p}
                value={values.format}
                onChange={(e) => setValues((v) => ({ ...v, format: e.target.value as "pdf" | "docx" }))}
              >
                <option value="pdf">PDF</option>
                <option value="docx">Word (.docx)</option>
              </select>
            )}
          </Field>
          <Field
            label="Response due"
            errors={errors("responseDueOn")}
            hint={`The letter asks for a response within ${responseDays} days`}
          >
            {(p) => (
              <input
                {...p}
                type="date"
                value={values.responseDueOn}
                onChange={(e) => setValues((v) => ({ ...v, responseDueOn: e.target.value, dueEdited: true }))}
              />
            )}
          </Field>
        </div>
        <ErrorMessage error={markSent.error} />
        <FormActions
          onCancel={onClose}
          submitLabel="Mark sent"
          busyLabel="Exporting…"
          busy={markSent.isPending}
        />
      </form>
    </Dialog>
  );
}

const emptyOffer = () => ({ madeOn: localToday(), amount: "", party: "insurer" as OfferParty, note: "" });

function OffersLog({ documentId, canEdit }: { documentId: string; canEdit: boolean }) {
  const trpc = useTRPC();
  const offers = useQuery(trpc.lifecycle.offers.list.queryOptions({ documentId }));
  const invalidate = useInvalidateLifecycle(documentId);
  const [editing, setEditing] = useState<Offer | "new" | null>(null);
  const remove = useMutation(trpc.lifecycle.offers.delete.mutationOptions({ onSuccess: invalidate }));
  return (
    <section aria-labelledby="offers-heading">
      <div className="section-header">
        <h2 id="offers-heading">Offers</h2>
        {canEdit && editing === null && (
          <button type="button" className="button" onClick={() => setEditing("new")}>
            Add offer
          </button>
        )}
      </div>
      {editing !== null && (
        <OfferForm
          documentId={documentId}
          offer={editing === "new" ? null : editing}
          onDone={() => setEditing(null)}
        />
      )}
      {offers.isPending ? (
        <Loading label="Loading offers…" />
      ) : offers.isError ? (
        <ErrorMessage error={offers.error} onRetry={() => void offers.refetch()} />
      ) : offers.data.items.length === 0 ? (
        <p className="muted">No offers yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="offers">
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">From</th>
                <th scope="col" className="num">
                  Amount
                </th>
                <th scope="col">Note</th>
                {canEdit && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {offers.data.items.map((o) => (
                <tr key={o.id}>
                  <td>{formatDate(o.madeOn)}</td>
                  <td>{o.party === "insurer" ? "Insurer" : "Counter-offer (us)"}</td>
                  <td className="num">{formatUsd(o.amountCents)}</td>
                  <td>{o.note ?? ""}</td>
                  {canEdit && (
                    <td>
                      <button
                        type="button"
                        className="button button-small"
                        aria-label={`Edit the offer of ${formatDate(o.madeOn)}`}
                        onClick={() => setEditing(o)}
                      >
                        Edit
                      </button>{" "}
                      <button
                        type="button"
                        className="button button-small"
                        aria-label={`Delete the offer of ${formatDate(o.madeOn)}`}
                        disabled={remove.isPending}
                        onClick={() => remove.mutate({ documentId, offerId: o.id })}
                      >
                        Delete
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ErrorMessage error={remove.error} />
    </section>
  );
}

function OfferForm({
  documentId,
  offer,
  onDone,
}: {
  documentId: string;
  offer: Offer | null;
  onDone: () => void;
}) {
  const trpc = useTRPC();
  const invalidate = useInvalidateLifecycle(documentId);
  const [values, setValues] = useState(
    offer
      ? {
          madeOn: offer.madeOn,
          amount: centsToInput(offer.amountCents),
          party: offer.party,
          note: offer.note ?? "",
        }
      : emptyOffer(),
  );
  const [amountError, setAmountError] = useState<string | null>(null);
  const options = {
    onSuccess: async () => {
      await invalidate();
      onDone();
    },
  };
  const add = useMutation(trpc.lifecycle.offers.add.mutationOptions(options));
  const update = useMutation(trpc.lifecycle.offers.update.mutationOptions(options));
  const pending = add.isPending || update.isPending;
  const error = add.error ?? update.error;
  const serverFields = error ? describeError(error).fieldErrors : {};
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseUsd(values.amount);
    if ("error" in parsed || parsed.cents === null) {
      return setAmountError("error" in parsed ? parsed.error : "Enter the amount");
    }
    setAmountError(null);
    const fields = {
      documentId,
      madeOn: values.madeOn,
      amountCents: parsed.cents,
      party: values.party,
      note: values.note || null,
    };
    if (offer) update.mutate({ ...fields, offerId: offer.id });
    else add.mutate(fields);
  };
  return (
    <form className="offer-form" onSubmit={submit} noValidate aria-label={offer ? "Edit offer" : "Add offer"}>
      <div className="form-row">
        <Field label="Date" errors={serverFields.madeOn}>
          {(p) => (
            <input
              {...p}
              type="date"
              value={values.madeOn}
              onChange={(e) => setValues((v) => ({ ...v, madeOn: e.target.value }))}
            />
          )}
        </Field>
        <Field label="From" errors={serverFields.party}>
          {(p) => (
            <select
              {...p}
              value={values.party}
              onChange={(e) => setValues((v) => ({ ...v, party: e.target.value as OfferParty }))}
            >
              {OFFER_PARTIES.map((party) => (
                <option key={party} value={party}>
                  {OFFER_PARTY_LABELS[party]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Amount ($)" errors={amountError ? [amountError] : serverFields.amountCents}>
          {(p) => (
            <input
              {...p}
              inputMode="decimal"
              placeholder="25,000.00"
              value={values.amount}
              onChange={(e) => setValues((v) => ({ ...v, amount: e.target.value }))}
            />
          )}
        </Field>
      </div>
      <Field label="Note" errors={serverFields.note}>
        {(p) => (
          <input
            {...p}
            value={values.note}
            onChange={(e) => setValues((v) => ({ ...v, note: e.target.value }))}
          />
        )}
      </Field>
      <ErrorMessage error={error} />
      <FormActions
        onCancel={onDone}
        submitLabel={offer ? "Save offer" : "Add offer"}
        busyLabel="Saving…"
        busy={pending}
        small
      />
    </form>
  );
}

type Summary = {
  response: { responseDueOn: string; respondedOn: string | null } | null;
  latestOffer: { madeOn: string; amountCents: number; party: OfferParty } | null;
};

/** Under the case's title: where the demand stands and the latest offer, once there is either. */
export function DemandStatus({ response, latestOffer }: Summary) {
  if (!response && !latestOffer) return null;
  const badge = response ? responseBadge(response) : null;
  return (
    <p className="demand-status" data-testid="demand-status">
      {badge && <Badge tone={badge.tone}>{badge.label}</Badge>}
      {latestOffer && <span className="muted"> Latest offer: {offerText(latestOffer)}</span>}
    </p>
  );
}
