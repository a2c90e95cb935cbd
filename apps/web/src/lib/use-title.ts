import { useEffect } from "react";

/** The tab's title, so history, bookmarks and screen readers name the page. */
export function useTitle(title: string | null | undefined) {
  useEffect(() => {
    document.title = title ? `${title} — Steno` : "Steno — demand letters";
  }, [title]);
}
