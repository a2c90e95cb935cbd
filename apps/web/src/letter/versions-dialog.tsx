// Saved versions of the letter: save the current one, restore an earlier one.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import { Dialog, ErrorMessage, Field, Loading, Notice } from "../components/ui.tsx";
import { describeError } from "../lib/errors.ts";
import { useTRPC } from "../trpc.ts";

export function VersionsDialog({
  documentId,
  editable,
  onClose,
  onRestored,
}: {
  documentId: string;
  editable: boolean;
  onClose: () => void;
  onRestored: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [label, setLabel] = useState("");
  const versions = useQuery(trpc.letters.versions.list.queryOptions({ documentId }));
  const refresh = useCallback(
    () => queryClient.invalidateQueries({ queryKey: trpc.letters.versions.list.queryKey({ documentId }) }),
    [queryClient, trpc, documentId],
  );
  const create = useMutation(
    trpc.letters.versions.create.mutationOptions({
      onSuccess: () => {
        setLabel("");
        void refresh();
      },
    }),
  );
  const restore = useMutation(
    trpc.letters.versions.restore.mutationOptions({
      onSuccess: () => {
        void refresh();
        onRestored();
      },
    }),
  );
  const fieldErrors = create.error ? describeError(create.error).fieldErrors : {};
  return (
    <Dialog title="Version history" onClose={onClose}>
      {editable && (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate({ documentId, label });
          }}
        >
          <Field label="Save the letter as it is now" errors={fieldErrors.label}>
            {(p) => (
              <input
                {...p}
                placeholder="e.g. Sent to partner for review"
                value={label}
                onChange={(e) => setLabel(e.target.value)}
              />
            )}
          </Field>
          <button
            type="submit"
            className="button button-primary"
            disabled={create.isPending || !label.trim()}
          >
            {create.isPending ? "Saving…" : "Save version"}
          </button>
        </form>
      )}
      {!fieldErrors.label && <ErrorMessage error={create.error} />}
      <ErrorMessage error={restore.error} />
      {restore.isSuccess && <Notice tone="success">Restored “{restore.data.restoredLabel}”.</Notice>}
      {versions.isPending && <Loading label="Loading versions…" />}
      <ErrorMessage error={versions.error} onRetry={() => void versions.refetch()} />
      {versions.data?.items.length === 0 && <p className="muted">No saved versions yet.</p>}
      <ul className="versions">
        {versions.data?.items.map((v) => (
          <li key={v.id}>
            <div>
              <strong>{v.label}</strong>
              <div className="muted">
                {new Date(v.createdAt).toLocaleString()}
                {v.authorName ? ` · ${v.authorName}` : ""}
              </div>
            </div>
            {editable && (
              <button
                type="button"
                className="button button-small"
                disabled={restore.isPending}
                onClick={() => {
                  if (confirm(`Restore “${v.label}”? The current letter is saved as a version first.`)) {
                    restore.mutate({ documentId, versionId: v.id });
                  }
                }}
              >
                Restore
              </button>
            )}
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
