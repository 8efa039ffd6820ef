/**
 * Argo task and template names are DNS-1123 labels: lowercase letters, digits and '-', starting
 * and ending with a letter or digit, at most 63 characters. Node ids are freer (`read_penguins`),
 * so each gets a sanitized name, made unique with a numeric suffix when two collide.
 */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function dnsLabel(raw: string, max = 63): string {
  const cleaned = raw
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '');
  return (cleaned || 'node').slice(0, max).replace(/-+$/, '') || 'node';
}

/** node id -> a unique DNS-1123 task name; ids are visited sorted, so the mapping is deterministic. */
export function taskNames(ids: readonly string[]): Map<string, string> {
  const taken = new Set<string>();
  const names = new Map<string, string>();
  for (const id of [...ids].sort()) {
    const base = dnsLabel(id);
    let name = base;
    for (let i = 2; taken.has(name); i++) {
      const suffix = `-${i}`;
      name = `${base.slice(0, 63 - suffix.length).replace(/-+$/, '')}${suffix}`;
    }
    taken.add(name);
    names.set(id, name);
  }
  return names;
}
