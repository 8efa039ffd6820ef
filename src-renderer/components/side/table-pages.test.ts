import { describe, expect, it } from 'vitest';
import { PageStore, pagesFor, rowAt } from './table-pages.js';

describe('table paging', () => {
  it('asks for the pages that hold the rows in view, never past the end', () => {
    expect(pagesFor(0, 20, 7043, 200)).toEqual([0]);
    expect(pagesFor(190, 230, 7043, 200)).toEqual([0, 1]);
    expect(pagesFor(7030, 7100, 7043, 200)).toEqual([35]);
    expect(pagesFor(0, -1, 7043, 200)).toEqual([]);
    expect(pagesFor(0, 10, 0, 200)).toEqual([]);
  });

  it('keeps the most recently used pages, and reads a row across them', () => {
    const store = new PageStore(2);
    store.set('t', 0, { state: 'loaded', rows: [[1], [2]] });
    store.set('t', 1, { state: 'loaded', rows: [[3], [4]] });
    expect(rowAt(store, 't', 3, 2)).toEqual([4]);
    store.get('t', 0);
    store.set('t', 2, { state: 'loading' });
    // Page 1 was the least recently used.
    expect(store.get('t', 1)).toBeUndefined();
    expect(rowAt(store, 't', 1, 2)).toEqual([2]);
    expect(rowAt(store, 't', 4, 2)).toBeUndefined();
  });

  it('forgets failed pages of a table so that they are fetched again', () => {
    const store = new PageStore();
    store.set('a', 0, { state: 'error', message: 'evicted' });
    store.set('b', 0, { state: 'error', message: 'evicted' });
    store.clearErrors('a');
    expect(store.get('a', 0)).toBeUndefined();
    expect(store.get('b', 0)).toEqual({ state: 'error', message: 'evicted' });
  });
});
