import { Component, type ReactNode } from "react";

type State = { error: Error | null };

/**
 * Catches render errors and failed lazy chunks (a deploy replaced them, the network dropped):
 * one part of the screen says so instead of the whole app going blank.
 */
export class ErrorBoundary extends Component<{ children: ReactNode; label?: string }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override render() {
    if (!this.state.error) return this.props.children;
    const chunk = /dynamically imported module|Importing a module script failed|Failed to fetch/i.test(
      this.state.error.message,
    );
    return (
      <div className="alert alert-error" role="alert">
        <span>
          {chunk
            ? `${this.props.label ?? "This part of the app"} could not be loaded; check your connection or reload the page.`
            : `${this.props.label ?? "This part of the app"} stopped working: ${this.state.error.message}`}
        </span>
        <button type="button" className="button button-small" onClick={() => location.reload()}>
          Reload
        </button>
      </div>
    );
  }
}
