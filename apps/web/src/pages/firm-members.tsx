import { FIRM_ROLES, type FirmRole, inviteMemberInput } from "@steno/shared";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { InviteByEmail } from "../components/invite-by-email.tsx";
import { Badge, ErrorMessage, Loading, Notice } from "../components/ui.tsx";
import type { SessionData } from "../lib/session.ts";
import { useTRPC } from "../trpc.ts";

const ROLE_LABEL: Record<FirmRole, string> = { admin: "Admin", attorney: "Attorney", paralegal: "Paralegal" };

/** The firm's people: everyone sees who is in it; admins invite, change roles and remove. */
export function FirmMembers({ session }: { session: SessionData }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const isAdmin = session.user.role === "admin";
  const list = useQuery(trpc.firm.members.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.firm.members.queryKey() });
  const invite = useMutation(trpc.firm.invite.mutationOptions({ onSuccess: () => void refresh() }));
  const revoke = useMutation(trpc.firm.revokeInvitation.mutationOptions({ onSuccess: () => void refresh() }));
  const updateRole = useMutation(
    trpc.firm.updateMemberRole.mutationOptions({
      onSuccess: () => {
        void refresh();
        // Demoting oneself changes what this page offers.
        void queryClient.invalidateQueries({ queryKey: trpc.auth.me.queryKey() });
      },
    }),
  );
  const remove = useMutation(trpc.firm.removeMember.mutationOptions({ onSuccess: () => void refresh() }));
  return (
    <section className="card settings-form" aria-labelledby="members-heading">
      <h2 id="members-heading">Members</h2>
      <p className="muted">
        Everyone here shares the firm's templates and letterhead. Admins manage the firm and its members;
        attorneys sign the letters of the cases they open; paralegals' letters are signed by the firm's
        signing attorney.
      </p>
      {isAdmin && (
        <InviteByEmail
          label="Invite a member"
          roles={FIRM_ROLES.map((value) => ({ value, label: ROLE_LABEL[value] }))}
          initialRole="attorney"
          schema={inviteMemberInput}
          pending={invite.isPending}
          error={invite.error}
          onInvite={invite.mutateAsync}
        />
      )}
      {invite.isSuccess && (
        <Notice tone="success">
          Invitation sent to {invite.data.email}. The link in it works once, for 7 days.
        </Notice>
      )}
      <ErrorMessage error={updateRole.error} />
      <ErrorMessage error={remove.error} />
      <ErrorMessage error={revoke.error} />
      {list.isPending && <Loading label="Loading members…" />}
      <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
      <ul className="people" aria-label="Members">
        {list.data?.members.map((member) => (
          <li key={member.id}>
            <div className="person">
              <strong>{member.name}</strong>
              <span className="muted">
                {member.title ? `${member.title} · ` : ""}
                {member.email}
              </span>
              {member.id === session.user.id && <Badge>You</Badge>}
            </div>
            {isAdmin ? (
              <div className="person-actions">
                <label className="sr-only" htmlFor={`member-role-${member.id}`}>
                  Role of {member.name}
                </label>
                <select
                  id={`member-role-${member.id}`}
                  value={member.role}
                  disabled={updateRole.isPending}
                  onChange={(e) => {
                    remove.reset();
                    updateRole.mutate({ userId: member.id, role: e.target.value as FirmRole });
                  }}
                >
                  {FIRM_ROLES.map((r) => (
                    <option key={r} value={r}>
                      {ROLE_LABEL[r]}
                    </option>
                  ))}
                </select>
                <button
                  type="button"
                  className="button button-small button-danger"
                  disabled={remove.isPending}
                  aria-label={`Remove ${member.name}`}
                  onClick={() => {
                    updateRole.reset();
                    if (
                      confirm(
                        `Remove ${member.name} from the firm? They are signed out at once and lose access to its cases.`,
                      )
                    ) {
                      remove.mutate({ userId: member.id });
                    }
                  }}
                >
                  Remove
                </button>
              </div>
            ) : (
              <Badge tone="role">{ROLE_LABEL[member.role]}</Badge>
            )}
          </li>
        ))}
        {list.data?.invitations.map((invitation) => (
          <li key={invitation.id}>
            <div className="person">
              <strong>{invitation.email}</strong>
              <Badge tone="warning">Invited</Badge>
              <span className="muted">as {ROLE_LABEL[invitation.role]}</span>
            </div>
            <div className="person-actions">
              <button
                type="button"
                className="button button-small"
                disabled={revoke.isPending}
                aria-label={`Cancel the invitation to ${invitation.email}`}
                onClick={() => revoke.mutate({ invitationId: invitation.id })}
              >
                Cancel invitation
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
