import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../trpc.ts";

/** A case's fact changes; each refreshes what facts feed (the case, damages, profile, readiness). */
export function useFactMutations(documentId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const onSuccess = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.facts.list.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.documents.get.queryKey({ documentId }) });
    void queryClient.invalidateQueries({ queryKey: trpc.letters.damages.queryKey({ documentId }) });
    void queryClient.invalidateQueries({ queryKey: trpc.chronology.get.queryKey({ documentId }) });
    // Facts propose profile values and decide what blocks the letter.
    void queryClient.invalidateQueries({ queryKey: trpc.profile.get.queryKey({ documentId }) });
    void queryClient.invalidateQueries({ queryKey: trpc.letters.readiness.pathKey() });
  };
  return {
    approve: useMutation(trpc.facts.approve.mutationOptions({ onSuccess })),
    reject: useMutation(trpc.facts.reject.mutationOptions({ onSuccess })),
    update: useMutation(trpc.facts.update.mutationOptions({ onSuccess })),
    approveAll: useMutation(trpc.facts.approveAll.mutationOptions({ onSuccess })),
    approveMany: useMutation(trpc.facts.approveMany.mutationOptions({ onSuccess })),
    create: useMutation(trpc.facts.create.mutationOptions({ onSuccess })),
  };
}

export type FactMutations = ReturnType<typeof useFactMutations>;
