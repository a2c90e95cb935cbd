import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "./trpc.ts";

export function App() {
  const trpc = useTRPC();
  const info = useQuery(trpc.system.info.queryOptions());
  return (
    <main
      style={{ fontFamily: "system-ui, sans-serif", maxWidth: 720, margin: "3rem auto", padding: "0 1rem" }}
    >
      <h1>Steno</h1>
      <p>Demand letters from the case file, with every fact cited to its page.</p>
      {info.isPending && <p role="status">Connecting to the API…</p>}
      {info.isError && <p role="alert">The API is unreachable: {info.error.message}</p>}
      {info.data && (
        <dl data-testid="api-info">
          <dt>Environment</dt>
          <dd>{info.data.environment}</dd>
          <dt>AI provider</dt>
          <dd>{info.data.aiProvider === "local" ? "Local (offline, rule-based)" : "Anthropic"}</dd>
        </dl>
      )}
    </main>
  );
}
