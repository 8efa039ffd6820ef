/**
 * The one step command both targets run: the Argo container's args and the local target's child
 * process args are built here, so the cluster and the local rehearsal cannot drift apart.
 */
export function stepArgs(r: { readonly file: string; readonly node: string; readonly store: string; readonly runId: string }): string[] {
  return ['run', r.file, '--only', r.node, '--store', r.store, '--run', r.runId, '--json'];
}
