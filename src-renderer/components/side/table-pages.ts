/**
 * Paging a table artifact into the preview grid: the grid asks for the rows it shows, this says
 * which pages of `artifact.preview` those are, and keeps the pages already fetched.
 */

/** Rows per `artifact.preview` call (the API allows up to 1,000). */
export const PAGE_ROWS = 200;

/** The pages holding rows [first, last] (inclusive) of a table of `total` rows. */
export function pagesFor(first: number, last: number, total: number, pageRows = PAGE_ROWS): number[] {
  if (total <= 0 || last < first) return [];
  const lo = Math.max(0, Math.floor(first / pageRows));
  const hi = Math.min(Math.ceil(total / pageRows) - 1, Math.floor(Math.max(0, last) / pageRows));
  const pages: number[] = [];
  for (let p = lo; p <= hi; p++) pages.push(p);
  return pages;
}

export type PageState =
  | { readonly state: 'loading' }
  | { readonly state: 'loaded'; readonly rows: readonly (readonly unknown[])[] }
  | { readonly state: 'error'; readonly message: string };

/**
 * Fetched pages by table hash, least recently used dropped first. Artifacts are content-addressed,
 * so a page never goes stale; keeping them makes going back to a node instant.
 */
export class PageStore {
  private readonly pages = new Map<string, PageState>();

  constructor(private readonly capacity = 100) {}

  get(hash: string, page: number): PageState | undefined {
    const key = `${hash}/${page}`;
    const state = this.pages.get(key);
    if (state) {
      this.pages.delete(key);
      this.pages.set(key, state);
    }
    return state;
  }

  set(hash: string, page: number, state: PageState): void {
    const key = `${hash}/${page}`;
    this.pages.delete(key);
    this.pages.set(key, state);
    while (this.pages.size > this.capacity) this.pages.delete(this.pages.keys().next().value!);
  }

  /** Forgets failed pages, so that looking again retries them. */
  clearErrors(hash: string): void {
    for (const [key, state] of this.pages) if (state.state === 'error' && key.startsWith(`${hash}/`)) this.pages.delete(key);
  }

  get size(): number {
    return this.pages.size;
  }
}

/** The cell of row `index` (absolute), or undefined while its page is not loaded. */
export function rowAt(store: PageStore, hash: string, index: number, pageRows = PAGE_ROWS): readonly unknown[] | undefined {
  const page = store.get(hash, Math.floor(index / pageRows));
  return page?.state === 'loaded' ? page.rows[index % pageRows] : undefined;
}
