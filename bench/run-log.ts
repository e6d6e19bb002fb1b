/** Reading a c360 run's JSON log (its stderr without a terminal) for the benchmark. */

interface LogEntry {
  msg?: string;
  time?: number;
  section?: string;
  ms?: number;
}

/** When each message first appeared in c360's JSON log, and the load's section timings. */
export function phaseTimes(stderr: string): {
  at: Record<string, number>;
  sectionsMs: Record<string, number>;
} {
  const at: Record<string, number> = {};
  const sectionsMs: Record<string, number> = {};
  for (const line of stderr.split("\n")) {
    if (!line.startsWith("{")) continue;
    const entry = JSON.parse(line) as LogEntry;
    if (entry.msg !== undefined && entry.time !== undefined && at[entry.msg] === undefined)
      at[entry.msg] = entry.time;
    if (entry.section !== undefined && entry.ms !== undefined)
      sectionsMs[entry.section] = (sectionsMs[entry.section] ?? 0) + entry.ms;
  }
  return { at, sectionsMs };
}
