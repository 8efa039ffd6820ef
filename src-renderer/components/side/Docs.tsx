import type { ReactNode } from 'react';

/**
 * Renders the small markdown subset node docs use (paragraphs, `-` lists, `code`, **bold**) as
 * React elements. Text is never injected as HTML.
 */
export function Docs({ markdown }: { markdown: string }) {
  const blocks = markdown.split(/\n\s*\n/);
  return (
    <div className="docs">
      {blocks.map((block, i) => {
        const lines = block.split('\n');
        if (lines[0]?.trimStart().startsWith('- ')) {
          const items: string[] = [];
          for (const line of lines) {
            if (line.trimStart().startsWith('- ')) items.push(line.trimStart().slice(2));
            else if (items.length > 0) items[items.length - 1] += ` ${line.trim()}`;
          }
          return (
            <ul key={i}>
              {items.map((item, j) => (
                <li key={j}>{inline(item)}</li>
              ))}
            </ul>
          );
        }
        return <p key={i}>{inline(lines.join(' '))}</p>;
      })}
    </div>
  );
}

function inline(text: string): ReactNode[] {
  return text.split(/(`[^`]+`|\*\*[^*]+\*\*)/).map((part, i) => {
    if (part.startsWith('`') && part.endsWith('`') && part.length > 1) return <code key={i}>{part.slice(1, -1)}</code>;
    if (part.startsWith('**') && part.endsWith('**') && part.length > 3) return <strong key={i}>{part.slice(2, -2)}</strong>;
    return part;
  });
}
