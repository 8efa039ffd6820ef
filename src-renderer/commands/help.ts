import type { Command, CommandRegistry } from './registry.js';

export interface HelpEntry {
  readonly id: string;
  readonly label: string;
  readonly shortcuts: readonly string[];
}

export interface HelpGroup {
  readonly title: string;
  readonly entries: readonly HelpEntry[];
}

/** Groups in menu order; commands of other prefixes follow, alphabetically. */
const GROUP_TITLES: readonly [string, string][] = [
  ['file', 'File'],
  ['edit', 'Edit'],
  ['view', 'View'],
  ['run', 'Run'],
  ['playground', 'Playground'],
  ['review', 'Review'],
  ['help', 'Help'],
];

/** The help overlay's content: every registered command, by the prefix of its id. */
export function commandGroups<C>(registry: Pick<CommandRegistry<C>, 'list' | 'shortcutLabels'>): HelpGroup[] {
  const byPrefix = new Map<string, HelpEntry[]>();
  for (const command of registry.list()) {
    const prefix = command.id.includes('.') ? command.id.slice(0, command.id.indexOf('.')) : command.id;
    const entry = { id: command.id, label: command.label, shortcuts: registry.shortcutLabels(command.id) };
    byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), entry]);
  }
  const known = new Map(GROUP_TITLES);
  const order = [
    ...GROUP_TITLES.map(([p]) => p).filter((p) => byPrefix.has(p)),
    ...[...byPrefix.keys()].filter((p) => !known.has(p)).sort(),
  ];
  return order.map((p) => ({ title: known.get(p) ?? p[0]!.toUpperCase() + p.slice(1), entries: byPrefix.get(p)! }));
}

/** Commands of the app's chrome that are not about the document or runs. */
export function helpCommands<C>(showHelp: (ctx: C) => void): readonly Command<C>[] {
  return [
    {
      id: 'help.shortcuts',
      label: 'Keyboard shortcuts',
      // "?" is Shift+/ on most layouts and a plain key on some; F1 is the desktop habit.
      shortcuts: ['?', 'Shift+?', 'F1'],
      perform: showHelp,
    },
  ];
}
