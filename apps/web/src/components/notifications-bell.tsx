import { type AppNotification, deadlineReminderPayload, mentionPayload } from "@steno/shared";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";
import { useLocation } from "wouter";
import { useTRPC } from "../trpc.ts";
import "./notifications.css";
import { formatDate } from "./ui.tsx";

/** What a notification says, by kind; a kind this version does not know is shown plainly. */
function describe(n: AppNotification): string {
  if (n.kind === "deadline_reminder") {
    const p = deadlineReminderPayload.safeParse(n.payload);
    if (p.success) {
      const when = p.data.daysBefore === 1 ? "tomorrow" : `in ${p.data.daysBefore} days`;
      return `Response due ${when} (${formatDate(p.data.responseDueOn)}): ${p.data.caseTitle}`;
    }
  }
  if (n.kind === "mention") {
    const p = mentionPayload.safeParse(n.payload);
    if (p.success) return `${p.data.authorName} mentioned you on ${p.data.caseTitle}: “${p.data.excerpt}”`;
  }
  return "Something changed on a case";
}

/** Where a notification leads: its case, and for a mention the comment thread in it. */
function linkOf(n: AppNotification): string | null {
  if (!n.documentId) return null;
  const mention = n.kind === "mention" ? mentionPayload.safeParse(n.payload) : null;
  return mention?.success
    ? `/cases/${n.documentId}?comment=${encodeURIComponent(mention.data.threadId)}`
    : `/cases/${n.documentId}`;
}

/** The bell in the top bar: the caller's notifications, the unread count, mark read. */
export function NotificationsBell() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const wrapper = useRef<HTMLDivElement>(null);
  // Reminders are made once a day: a minute's delay in noticing one costs nothing.
  const list = useQuery(trpc.notifications.list.queryOptions({}, { refetchInterval: 60_000 }));
  const markRead = useMutation(
    trpc.notifications.markRead.mutationOptions({
      onSettled: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.notifications.list.queryKey() });
        // The case list marks cases with unread mentions.
        void queryClient.invalidateQueries({ queryKey: trpc.documents.list.pathKey() });
      },
    }),
  );
  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent | KeyboardEvent) => {
      if (
        event instanceof KeyboardEvent
          ? event.key === "Escape"
          : !wrapper.current?.contains(event.target as Node)
      )
        setOpen(false);
    };
    document.addEventListener("mousedown", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("mousedown", close);
      document.removeEventListener("keydown", close);
    };
  }, [open]);
  const unread = list.data?.unread ?? 0;
  const items = list.data?.items ?? [];
  return (
    <div className="notifications" ref={wrapper}>
      <button
        type="button"
        className="button button-ghost notifications-button"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={unread ? `Notifications, ${unread} unread` : "Notifications"}
        onClick={() => {
          // Opening shows what is new now (a mention arrives seconds after it is written).
          if (!open) void list.refetch();
          setOpen((o) => !o);
        }}
        data-testid="notifications-button"
      >
        {/* Drawn, not an emoji: a machine without an emoji font shows a box. */}
        <svg
          aria-hidden="true"
          width="16"
          height="16"
          viewBox="0 0 24 24"
          fill="none"
          stroke="currentColor"
          strokeWidth="2"
        >
          <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
          <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
        </svg>
        {unread > 0 && (
          <span className="notifications-count" aria-hidden="true">
            {unread}
          </span>
        )}
      </button>
      {open && (
        <section id={panelId} className="notifications-panel" aria-label="Notifications">
          <header className="notifications-header">
            <h2>Notifications</h2>
            <button
              type="button"
              className="button button-small"
              disabled={unread === 0 || markRead.isPending}
              onClick={() => markRead.mutate({ all: true })}
            >
              Mark all read
            </button>
          </header>
          {items.length === 0 ? (
            <p className="muted">Nothing yet. Reminders of response deadlines and @mentions appear here.</p>
          ) : (
            <ul className="notifications-list">
              {items.map((n) => (
                <li key={n.id} className={n.readAt ? "" : "unread"}>
                  <button
                    type="button"
                    className="notification-item"
                    onClick={() => {
                      if (!n.readAt) markRead.mutate({ ids: [n.id] });
                      setOpen(false);
                      const link = linkOf(n);
                      if (link) navigate(link);
                    }}
                  >
                    <span>{describe(n)}</span>
                    <span className="muted">
                      {formatDate(n.createdAt)}
                      {n.readAt ? "" : " · unread"}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </div>
  );
}
