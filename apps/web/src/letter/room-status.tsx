// Who is in the letter and whether this editor is live, offline or read-only.
import type { LetterRoom } from "./use-letter-room.ts";

export function Presence({ room }: { room: LetterRoom }) {
  if (room.peers.length === 0) return null;
  return (
    <ul className="presence" aria-label="People in this letter">
      {room.peers.map((peer) => (
        <li
          key={peer.clientId}
          className="avatar"
          style={{ background: peer.color }}
          title={peer.self ? `${peer.name} (you)` : peer.name}
        >
          <span aria-hidden="true">
            {peer.name
              .split(/\s+/)
              .map((w) => w[0])
              .slice(0, 2)
              .join("")
              .toUpperCase()}
          </span>
          <span className="sr-only">{peer.self ? `${peer.name} (you)` : peer.name}</span>
        </li>
      ))}
    </ul>
  );
}

export function SyncStatus({ room, readOnly }: { room: LetterRoom; readOnly: boolean }) {
  let text: string;
  let tone: string;
  if (room.connected && room.synced) {
    text = readOnly ? "Live · read-only (viewer)" : "Live · changes are shared as you type";
    tone = "ok";
  } else if (room.unsynced) {
    text = "Offline · unsynced changes are kept on this device and merge when you reconnect";
    tone = "warning";
  } else if (room.joinError) {
    text = `Cannot join the letter: ${room.joinError}`;
    tone = "error";
  } else if (room.connected) {
    text = "Syncing…";
    tone = "pending";
  } else {
    text = room.localLoaded ? "Offline · showing the copy on this device" : "Connecting…";
    tone = "pending";
  }
  return (
    <p className={`sync-status sync-${tone}`} role="status" data-testid="sync-status">
      <span className="dot" aria-hidden="true" />
      {text}
    </p>
  );
}
