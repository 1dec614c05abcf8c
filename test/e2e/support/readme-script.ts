/**
 * The README's walk-through as one bash script, run as a newcomer pastes it: the ```bash blocks of
 * the named sections, in README order. Each script line remembers its README line, so a failing
 * call is reported where the reader sees it.
 *
 * Expectations come from the README itself: a `curl` must answer 2xx unless the comment lines right
 * above it, on it, or its `# → …` answer lines below name the status it answers (`403 POLICY.DENIED`).
 */
export interface ReadmeCall {
  line: number;
  command: string;
  /** Statuses the README's comments around the call announce; empty: 2xx expected. */
  announced: number[];
}

export interface ReadmeScript {
  text: string;
  /** Script line (1-based) → README line (1-based). */
  readmeLine: number[];
  calls: Map<number, ReadmeCall>;
  /** Lines left out: `npm start &` (the test runs the server) and templates with `…` placeholders. */
  skipped: string[];
}

const BLOCK = /^```bash\n([\s\S]*?)^```/gm;

export function readmeScript(readme: string, sections: string[], port: number): ReadmeScript {
  const lines = readme.split('\n');
  const headingAt = (index: number) => {
    for (let i = index; i >= 0; i -= 1) if (lines[i].startsWith('## ')) return lines[i].slice(3).trim();
    return '';
  };
  const out: string[] = [];
  const readmeLine: number[] = [0];
  const skipped: string[] = [];
  const calls = new Map<number, ReadmeCall>();
  for (const match of readme.matchAll(BLOCK)) {
    const startLine = readme.slice(0, match.index).split('\n').length; // the ```bash line (1-based)
    if (!sections.some((s) => headingAt(startLine - 1).startsWith(s))) continue;
    const block = match[1].split('\n');
    block.forEach((raw, i) => {
      const line = startLine + 1 + i;
      const code = raw.replace(/\s#.*$/, '');
      if (/^npm start &/.test(raw.trim()) || (!raw.trim().startsWith('#') && code.includes('…'))) {
        skipped.push(`README:${line}: ${raw.trim()}`);
        return;
      }
      const text = raw.replaceAll('localhost:3000', `localhost:${port}`).replaceAll('127.0.0.1:3000', `127.0.0.1:${port}`);
      out.push(text);
      readmeLine.push(line);
      if (/(^|[$(\s])curl\s/.test(code)) calls.set(line, { line, command: raw.trim(), announced: announced(lines, line - 1) });
    });
  }
  return { text: out.join('\n'), readmeLine, calls, skipped };
}

/** Statuses named in the comments next to the call that starts at README index `at` (0-based). */
function announced(lines: string[], at: number): number[] {
  const notes: string[] = [];
  for (let i = at - 1; i >= 0 && lines[i].trim().startsWith('#'); i -= 1) notes.push(lines[i]);
  let end = at;
  while (lines[end].trimEnd().endsWith('\\')) end += 1;
  for (let i = at; i <= end; i += 1) notes.push(lines[i].replace(/^[^#]*/, ''));
  // below it, only the answer lines (`#   → …`): a plain comment there introduces the next call
  for (let i = end + 1; i < lines.length && /^\s*#\s*→/.test(lines[i]); i += 1) notes.push(lines[i]);
  return [...notes.join(' ').matchAll(/\b([1-5]\d\d)\b/g)].map((m) => Number(m[1])).filter((n) => n >= 200);
}
