// A comment box that offers people to @mention: typing "@" and the start of a name lists the
// people the case is open to; picking one writes "@Name" in the box. On sending,
// withMentionTokens turns each picked "@Name" still in the text into the token the room stores.
// Hand-written (a textarea and a listbox): the mention inputs on npm either bring their own editor
// or have not been maintained for React 19.

import {
  type InputHTMLAttributes,
  type KeyboardEvent,
  type TextareaHTMLAttributes,
  useId,
  useLayoutEffect,
  useRef,
  useState,
} from "react";

export type Person = { id: string; name: string };

/** "@" and up to two words of a name, just before the caret. */
const QUERY = /(?:^|\s)@([\p{L}\p{N}.'-]*(?: [\p{L}\p{N}.'-]*)?)$/u;
const MAX_OFFERED = 6;

type Props = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "value" | "onChange"> & {
  value: string;
  onChange: (value: string) => void;
  /** someone was picked from the list (remember them for withMentions) */
  onPick: (person: Person) => void;
  people: Person[];
  /** a one-line box (a reply) or a textarea (a new comment) */
  multiline?: boolean;
};

export function MentionInput({ value, onChange, onPick, people, multiline = true, ...rest }: Props) {
  const listId = useId();
  const box = useRef<HTMLTextAreaElement & HTMLInputElement>(null);
  const [caret, setCaret] = useState(0);
  const [highlight, setHighlight] = useState(0);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const pendingCaret = useRef<number | null>(null);

  const before = value.slice(0, caret);
  const match = QUERY.exec(before);
  const query = match ? (match[1] ?? "") : null;
  const words = (query ?? "").toLowerCase().split(" ").filter(Boolean);
  const offered =
    query === null || dismissed === before
      ? []
      : people
          .filter((p) => {
            const name = p.name.toLowerCase();
            return words.every((w) => name.includes(w));
          })
          .slice(0, MAX_OFFERED);
  const open = offered.length > 0;
  const active = open ? Math.min(highlight, offered.length - 1) : 0;

  useLayoutEffect(() => {
    if (pendingCaret.current === null || !box.current) return;
    box.current.setSelectionRange(pendingCaret.current, pendingCaret.current);
    setCaret(pendingCaret.current);
    pendingCaret.current = null;
  });

  const pick = (person: Person) => {
    if (query === null) return;
    const start = caret - query.length - 1;
    const inserted = `@${person.name} `;
    const next = value.slice(0, start) + inserted;
    onChange(next + value.slice(caret));
    onPick(person);
    pendingCaret.current = next.length;
    // "@Lee " still reads as a query (a name may go on after a space): not offered again.
    setDismissed(next);
    setHighlight(0);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement & HTMLInputElement>) => {
    if (!open) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      setHighlight((active + step + offered.length) % offered.length);
    } else if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      const person = offered[active];
      if (person) pick(person);
    } else if (event.key === "Escape") {
      event.preventDefault();
      setDismissed(before);
    }
  };

  const common = {
    ...rest,
    ref: box,
    value,
    role: "combobox",
    "aria-autocomplete": "list" as const,
    "aria-expanded": open,
    "aria-controls": listId,
    "aria-activedescendant": open ? `${listId}-${active}` : undefined,
    onKeyDown,
    onChange: (event: { target: { value: string; selectionStart: number | null } }) => {
      onChange(event.target.value);
      setCaret(event.target.selectionStart ?? event.target.value.length);
    },
    onSelect: (event: { currentTarget: { selectionStart: number | null } }) =>
      setCaret(event.currentTarget.selectionStart ?? 0),
  };

  return (
    <div className="mention-input">
      {multiline ? (
        <textarea {...common} />
      ) : (
        // The same props: a reply box takes none of a textarea's own (rows, wrap).
        <input {...(common as InputHTMLAttributes<HTMLInputElement>)} />
      )}
      <div id={listId} role="listbox" aria-label="People to mention" className="mention-list" hidden={!open}>
        {offered.map((person, i) => (
          <div
            key={person.id}
            tabIndex={-1}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === active}
            className={i === active ? "is-active" : undefined}
            // Keeps the focus (and the caret) in the box.
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => pick(person)}
            // The keyboard stays in the box (arrows and Enter pick), so an option has no keys of its own.
            onKeyDown={() => {}}
          >
            @{person.name}
          </div>
        ))}
      </div>
    </div>
  );
}
