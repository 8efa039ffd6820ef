/**
 * Named commands, Excalidraw-style: the top bar, keyboard shortcuts and the Electron menu all
 * dispatch through one registry, so a button and its shortcut cannot behave differently.
 */
export interface Command<C> {
  readonly id: string;
  readonly label: string;
  /**
   * Key combinations such as `Mod+S`, `Shift+Mod+Z`, `Ctrl+Y`, `Delete`. `Mod` is Cmd on macOS
   * and Ctrl elsewhere.
   */
  readonly shortcuts?: readonly string[];
  /**
   * The shortcut is left to the browser, whose own event does the work (copy, cut and paste: the
   * clipboard events carry the text without a permission prompt). Still listed for menus and help.
   */
  readonly nativeKey?: boolean;
  /** When false, dispatch does nothing and a shortcut is left to the browser. */
  readonly enabled?: (ctx: C) => boolean;
  readonly perform: (ctx: C, arg?: unknown) => void | Promise<void>;
}

/** The fields of a KeyboardEvent that a shortcut is matched against. */
export interface KeyLike {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
  readonly shiftKey: boolean;
}

export interface CommandRegistry<C> {
  register(command: Command<C>): void;
  get(id: string): Command<C> | undefined;
  list(): readonly Command<C>[];
  isEnabled(id: string): boolean;
  /** Runs a command; resolves false when it is unknown or disabled. Errors go to onError. */
  dispatch(id: string, arg?: unknown): Promise<boolean>;
  /** The enabled command bound to this key press, if any. */
  commandForKey(event: KeyLike): Command<C> | undefined;
  /** The first shortcut of a command as the platform writes it, e.g. `Ctrl+S` or `⌘S`. */
  shortcutLabel(id: string): string | undefined;
  /** Every shortcut of a command as the platform writes it (the help overlay lists them all). */
  shortcutLabels(id: string): string[];
}

export interface RegistryOptions {
  readonly isMac: boolean;
  readonly onError: (error: unknown, commandId: string) => void;
}

const MODIFIERS = ['ctrl', 'meta', 'alt', 'shift'] as const;
type Modifier = (typeof MODIFIERS)[number];

/** `Shift+Mod+s` -> `ctrl+shift+s` (or `meta+shift+s` on macOS): one spelling per combination. */
export function normalizeShortcut(shortcut: string, isMac: boolean): string {
  const parts = shortcut.split('+').map((p) => p.trim());
  const keyPart = parts.pop();
  if (!keyPart) throw new Error(`Shortcut "${shortcut}" names no key`);
  const mods = new Set<Modifier>();
  for (const raw of parts) {
    const m = raw.toLowerCase();
    if (m === 'mod') mods.add(isMac ? 'meta' : 'ctrl');
    else if (m === 'ctrl' || m === 'control') mods.add('ctrl');
    else if (m === 'cmd' || m === 'meta') mods.add('meta');
    else if (m === 'alt' || m === 'option') mods.add('alt');
    else if (m === 'shift') mods.add('shift');
    else throw new Error(`Shortcut "${shortcut}" has an unknown modifier "${raw}"`);
  }
  return [...MODIFIERS.filter((m) => mods.has(m)), keyPart.toLowerCase()].join('+');
}

export function keyOfEvent(event: KeyLike): string {
  const mods = MODIFIERS.filter((m) => event[`${m}Key`]);
  return [...mods, event.key.toLowerCase()].join('+');
}

function displayShortcut(shortcut: string, isMac: boolean): string {
  const norm = normalizeShortcut(shortcut, isMac).split('+');
  const key = norm.pop()!;
  const keyLabel = key.length === 1 ? key.toUpperCase() : key[0]!.toUpperCase() + key.slice(1);
  if (isMac) {
    // macOS writes modifiers in a fixed order: Control, Option, Shift, Command.
    const symbols: [string, string][] = [['ctrl', '⌃'], ['alt', '⌥'], ['shift', '⇧'], ['meta', '⌘']];
    return symbols.filter(([m]) => norm.includes(m)).map(([, s]) => s).join('') + keyLabel;
  }
  const names: Record<string, string> = { ctrl: 'Ctrl', alt: 'Alt', shift: 'Shift', meta: 'Meta' };
  return [...norm.map((m) => names[m]), keyLabel].join('+');
}

export function createCommandRegistry<C>(ctx: C, opts: RegistryOptions): CommandRegistry<C> {
  const commands = new Map<string, Command<C>>();
  const byKey = new Map<string, Command<C>>();

  const enabled = (cmd: Command<C>): boolean => (cmd.enabled ? cmd.enabled(ctx) : true);

  return {
    register(command) {
      if (commands.has(command.id)) throw new Error(`Command "${command.id}" is registered twice`);
      const keys = (command.shortcuts ?? []).map((s) => normalizeShortcut(s, opts.isMac));
      for (const key of keys) {
        const other = byKey.get(key);
        if (other) throw new Error(`Shortcut ${key} is claimed by both "${other.id}" and "${command.id}"`);
      }
      commands.set(command.id, command);
      for (const key of keys) byKey.set(key, command);
    },
    get: (id) => commands.get(id),
    list: () => [...commands.values()],
    isEnabled(id) {
      const cmd = commands.get(id);
      return cmd !== undefined && enabled(cmd);
    },
    async dispatch(id, arg) {
      const cmd = commands.get(id);
      if (!cmd || !enabled(cmd)) return false;
      try {
        await cmd.perform(ctx, arg);
      } catch (e) {
        opts.onError(e, id);
      }
      return true;
    },
    commandForKey(event) {
      const cmd = byKey.get(keyOfEvent(event));
      return cmd && enabled(cmd) ? cmd : undefined;
    },
    shortcutLabel(id) {
      const first = commands.get(id)?.shortcuts?.[0];
      return first ? displayShortcut(first, opts.isMac) : undefined;
    },
    shortcutLabels: (id) => (commands.get(id)?.shortcuts ?? []).map((s) => displayShortcut(s, opts.isMac)),
  };
}
