import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { AppCommands } from '../commands/app-commands.js';
import type { AppState, AppStore } from '../state/store.js';
import type { ChartsController } from './charts-controller.js';
import type { Controller } from './controller.js';
import type { PlaygroundController } from './playground-controller.js';
import type { ServingController } from './serving-controller.js';

export interface AppServices {
  readonly store: AppStore;
  readonly controller: Controller;
  readonly commands: AppCommands;
  readonly playground: PlaygroundController;
  readonly charts: ChartsController;
  /** Optional so test harnesses that build services without it keep working. */
  readonly serving?: ServingController;
}

const ServicesContext = createContext<AppServices | null>(null);

export function ServicesProvider({ services, children }: { services: AppServices; children: ReactNode }) {
  return <ServicesContext.Provider value={services}>{children}</ServicesContext.Provider>;
}

function useServices(): AppServices {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('ServicesProvider is missing above this component');
  return services;
}

/** Subscribes to one narrow slice of the store; pass useShallow(...) for objects and arrays. */
export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(useServices().store, selector);
}

type ActionKeys = { [K in keyof AppState]: AppState[K] extends (...args: never[]) => unknown ? K : never }[keyof AppState];
export type AppActions = Pick<AppState, ActionKeys>;

/** The store's actions; they never change, so reading them does not subscribe. */
export function useActions(): AppActions {
  return useServices().store.getState();
}

/** A non-subscribing read for event handlers that need the latest state at the moment they run. */
export function useGetState(): () => AppState {
  return useServices().store.getState;
}

export function useController(): Controller {
  return useServices().controller;
}

export function usePlayground(): PlaygroundController {
  return useServices().playground;
}

export function useServing(): ServingController {
  const serving = useServices().serving;
  if (!serving) throw new Error('no serving controller was provided to ServicesProvider');
  return serving;
}

export function useCharts(): ChartsController {
  return useServices().charts;
}

export function useCommands(): AppCommands {
  return useServices().commands;
}

/**
 * Whether a command is enabled, re-evaluated on every store change. Only for commands whose
 * `enabled` reads the main store (not the undo history: use useHistory for those).
 */
export function useCommandEnabled(id: string): boolean {
  const commands = useCommands();
  return useApp(() => commands.isEnabled(id));
}

export function useHistory(): { canUndo: boolean; canRedo: boolean } {
  const { store } = useServices();
  const canUndo = useStore(store.temporal, (t) => t.pastStates.length > 0);
  const canRedo = useStore(store.temporal, (t) => t.futureStates.length > 0);
  return { canUndo, canRedo };
}
