/**
 * RFC 4180 CSV held in memory (a request body, a tensor typed in the editor): quoted fields may
 * hold commas, doubled quotes and line breaks; CRLF or LF; a leading byte-order mark is dropped and
 * blank lines are skipped. Files are streamed elsewhere (DuckDB, predict-file.ts); this is for text
 * small enough to hold whole.
 */
export class CsvQuoteError extends Error {
  constructor(readonly line: number) {
    super(`line ${line} ends inside a quoted field`);
    this.name = 'CsvQuoteError';
  }
}

export function parseCsvText(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  const endRow = (): void => {
    row.push(field);
    field = '';
    if (!(row.length === 1 && row[0] === '')) rows.push(row);
    row = [];
  };
  for (let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (c === '"' && field === '') {
      quoted = true;
      rowLine = line;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') {
        i++;
        line++;
      }
      endRow();
    } else field += c;
  }
  if (quoted) throw new CsvQuoteError(rowLine);
  if (field !== '' || row.length > 0) endRow();
  return rows;
}
