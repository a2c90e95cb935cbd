import {
  type KeyboardEvent as ReactKeyboardEvent,
  type RefObject,
  useCallback,
  useEffect,
  useRef,
} from "react";
import type { Fact } from "../lib/types.ts";

/** What a key does to the fact under review; the pane supplies each action. */
export type ReviewActions = {
  facts: Fact[];
  activeId: string | null;
  focusFact: (id: string) => void;
  approve?: (fact: Fact) => void;
  reject?: (fact: Fact) => void;
  edit?: (fact: Fact) => void;
  open: (fact: Fact) => void;
  toggleSelected?: (fact: Fact) => void;
};

/** Keys that write text: a shortcut there would eat the reviewer's typing. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (
    target.isContentEditable ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement
  ) {
    return true;
  }
  if (target instanceof HTMLInputElement)
    return !["checkbox", "radio", "button", "submit"].includes(target.type);
  return false;
}

/**
 * j/k (or ↓/↑) move through the facts, a approves, r rejects, e edits, o opens the PDF at the
 * quote, x selects. Inside the pane the keys act on the focused fact; with nothing focused on the
 * page (after a dialog closed, or on arrival) they reach the pane while it is shown.
 */
export function useReviewKeys(pane: RefObject<HTMLElement | null>, actions: ReviewActions) {
  // The latest actions, so the window listener is added once.
  const latest = useRef(actions);
  latest.current = actions;
  const onKey = useCallback((event: KeyboardEvent | ReactKeyboardEvent): boolean => {
    const actions = latest.current;
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return false;
    if (isTyping(event.target)) return false;
    const { facts, activeId } = actions;
    const index = facts.findIndex((f) => f.id === activeId);
    const current = index >= 0 ? facts[index] : undefined;
    const moveTo = (to: number) => {
      const next = facts[Math.min(Math.max(to, 0), facts.length - 1)];
      if (next) actions.focusFact(next.id);
    };
    // After a decision the next fact is the one to look at (in "To review" the decided one goes).
    const advance = () => {
      const next = facts[index + 1] ?? facts[index - 1];
      if (next) actions.focusFact(next.id);
    };
    switch (event.key) {
      case "j":
      case "ArrowDown":
        moveTo(index < 0 ? 0 : index + 1);
        break;
      case "k":
      case "ArrowUp":
        moveTo(index < 0 ? 0 : index - 1);
        break;
      case "a":
        if (!current || !actions.approve) return false;
        actions.approve(current);
        advance();
        break;
      case "r":
        if (!current || !actions.reject) return false;
        actions.reject(current);
        advance();
        break;
      case "e":
        if (!current || !actions.edit) return false;
        actions.edit(current);
        break;
      case "o":
        if (!current) return false;
        actions.open(current);
        break;
      case "x":
        if (!current || !actions.toggleSelected) return false;
        actions.toggleSelected(current);
        break;
      default:
        return false;
    }
    event.preventDefault();
    return true;
  }, []);

  useEffect(() => {
    const onWindowKey = (event: KeyboardEvent) => {
      const element = pane.current;
      // Only keys nobody else took: focus on the page itself, the pane on screen, no dialog open.
      if (!element || document.activeElement !== document.body) return;
      if (element.closest("[hidden]") || document.querySelector("dialog[open]")) return;
      onKey(event);
    };
    window.addEventListener("keydown", onWindowKey);
    return () => window.removeEventListener("keydown", onWindowKey);
  }, [pane, onKey]);

  return onKey;
}
