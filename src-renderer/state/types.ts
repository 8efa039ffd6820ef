import type { ChartsSlice } from './charts-slice.js';
import type { DiffSlice } from './diff-slice.js';
import type { DocumentSlice } from './document-slice.js';
import type { PlaygroundSlice } from './playground-slice.js';
import type { ReviewSlice } from './review-slice.js';
import type { ServingSlice } from './serving-slice.js';
import type { RunSlice } from './run-slice.js';
import type { UiSlice } from './ui-slice.js';

export type AppState = DocumentSlice & RunSlice & UiSlice & PlaygroundSlice & ChartsSlice & DiffSlice & ReviewSlice & ServingSlice;

export type SetState = (partial: Partial<AppState> | ((state: AppState) => Partial<AppState>)) => void;
export type GetState = () => AppState;

/** The undo history, reached by the document slice without depending on zundo's types. */
export interface History {
  undo(): void;
  redo(): void;
  clear(): void;
}
