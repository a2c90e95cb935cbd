import { COLLABORATOR_ROLES, type CollaboratorRole, inviteCollaboratorInput } from "@steno/shared";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocation } from "wouter";
import { InviteByEmail } from "../components/invite-by-email.tsx";
import { Badge, Dialog, ErrorMessage, Loading, Notice } from "../components/ui.tsx";
import type { Role } from "../lib/types.ts";
import { useTRPC } from "../trpc.ts";

const ROLE_HELP: Record<CollaboratorRole, string> = {
  owner: "manages the case and its people",
  editor: "uploads sources, reviews facts, edits the letter",
  viewer: "reads the case and the letter",
};

export function CollaboratorsDialog({
  documentId,
  role,
  onClose,
}: {
  documentId: string;
  role: Role;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const isOwner = role === "owner";
  const list = useQuery(trpc.collaborators.list.queryOptions({ documentId }));
  const refresh = () =>
    queryClient.invalidateQueries({ queryKey: trpc.collaborators.list.queryKey({ documentId }) });
  const invite = useMutation(trpc.collaborators.invite.mutationOptions({ onSuccess: () => void refresh() }));
  const updateRole = useMutation(
    trpc.collaborators.updateRole.mutationOptions({ onSuccess: () => void refresh() }),
  );
  const remove = useMutation(trpc.collaborators.remove.mutationOptions({ onSuccess: () => void refresh() }));
  const [, navigate] = useLocation();
  const leave = useMutation(
    trpc.collaborators.leave.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.documents.list.pathKey() });
        navigate("/", { replace: true });
      },
    }),
  );
  return (
    <Dialog title="Collaborators" onClose={onClose}>
      {isOwner && (
        <InviteByEmail
          label="Invite a collaborator"
          roles={[
            { value: "editor", label: "Editor" },
            { value: "viewer", label: "Viewer" },
          ]}
          initialRole="editor"
          schema={inviteCollaboratorInput}
          pending={invite.isPending}
          error={invite.error}
          onInvite={(input) => invite.mutateAsync({ documentId, ...input })}
        />
      )}
      {invite.isSuccess && (
        <Notice tone="success">
          Invitation sent. They join the case when they accept it (after confirming their email, if they are
          new to Steno).
        </Notice>
      )}
      <ErrorMessage error={updateRole.error} />
      <ErrorMessage error={remove.error} />
      <ErrorMessage error={leave.error} />
      {list.isPending && <Loading label="Loading collaborators…" />}
      <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
      <ul className="people">
        {list.data?.items.map((person) => (
          <li key={person.id}>
            <div className="person">
              <strong>{person.name ?? person.email}</strong>
              {/* A pending invitation names only an address: whether it has an account is not shown. */}
              {person.name && <span className="muted">{person.email}</span>}
              {person.inviteState === "pending" && <Badge tone="warning">Invited</Badge>}
            </div>
            {isOwner ? (
              <div className="person-actions">
                <label className="sr-only" htmlFor={`role-${person.id}`}>
                  Role of {person.name ?? person.email}
                </label>
                <select
                  id={`role-${person.id}`}
                  value={person.role}
                  disabled={updateRole.isPending}
                  onChange={(e) =>
                    updateRole.mutate({
                      documentId,
                      collaboratorId: person.id,
                      role: e.target.value as CollaboratorRole,
                    })
                  }
                >
                  {COLLABORATOR_ROLES.map((r) => (
                    <option key={r} value={r}>
                      {r[0]?.toUpperCase()}
                      {r.slice(1)}
                    </option>
                  ))}
                </select>
                <button
                  type="button"
                  className="button button-small button-danger"
                  disabled={remove.isPending}
                  aria-label={`Remove ${person.name ?? person.email}`}
                  onClick={() => {
                    if (confirm(`Remove ${person.name ?? person.email} from this case?`)) {
                      remove.mutate({ documentId, collaboratorId: person.id });
                    }
                  }}
                >
                  Remove
                </button>
              </div>
            ) : (
              <Badge tone="role" title={ROLE_HELP[person.role]}>
                {person.role}
              </Badge>
            )}
          </li>
        ))}
      </ul>
      <p>
        <button
          type="button"
          className="button button-small button-danger"
          disabled={leave.isPending}
          onClick={() => {
            if (confirm("Leave this case? You will need a new invitation to come back.")) {
              leave.mutate({ documentId });
            }
          }}
        >
          Leave case
        </button>
      </p>
      <p className="muted small">
        Owner: {ROLE_HELP.owner}. Editor: {ROLE_HELP.editor}. Viewer: {ROLE_HELP.viewer}.
      </p>
    </Dialog>
  );
}
