import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import type { Source } from "../lib/types.ts";
import { useTRPC } from "../trpc.ts";

export const isProcessing = (source: Source) =>
  source.status === "uploaded" || source.status === "extracting";

/** The case's sources, polled while any is still being read. */
export function useSources(documentId: string, enabled = true) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.sources.list.queryOptions({ documentId }),
    enabled,
    refetchInterval: (query) => (query.state.data?.items.some(isProcessing) ? 1500 : false),
  });
}

/**
 * Facts appear when a source finishes processing: refresh what depends on them (facts, the
 * case's counts, the damages ledger) each time one does.
 */
export function useCaseActivity(documentId: string, enabled: boolean) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const sources = useSources(documentId, enabled);
  const settled = useRef<string | null>(null);
  const data = sources.data;
  useEffect(() => {
    if (!data) return;
    const signature = data.items
      .filter((s) => !isProcessing(s))
      .map((s) => `${s.id}:${s.status}`)
      .sort()
      .join(",");
    if (settled.current !== null && settled.current !== signature) {
      void queryClient.invalidateQueries({ queryKey: trpc.facts.list.pathKey() });
      void queryClient.invalidateQueries({ queryKey: trpc.documents.get.queryKey({ documentId }) });
      void queryClient.invalidateQueries({ queryKey: trpc.letters.damages.queryKey({ documentId }) });
      void queryClient.invalidateQueries({ queryKey: trpc.chronology.get.queryKey({ documentId }) });
    }
    settled.current = signature;
  }, [data, documentId, queryClient, trpc]);
}
