/** One metric of a CloudWatch EMF line, with exactly the dimensions its directive names. */
export interface EmfMetric {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
}

/** Every JSON line written to stdout/stderr during `run` (Powertools writes EMF and logs there). */
export async function captureJsonLines(run: () => Promise<unknown>): Promise<Array<Record<string, any>>> {
  const lines: string[] = [];
  const spies = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      return true;
    }),
  );
  try {
    await run();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
}

/** The metrics of EMF lines, one entry per metric and dimension set, as CloudWatch extracts them. */
export function emfMetrics(lines: Array<Record<string, any>>): EmfMetric[] {
  return lines.flatMap((line) =>
    (line._aws?.CloudWatchMetrics ?? []).flatMap(
      (directive: { Namespace: string; Metrics: Array<{ Name: string }>; Dimensions: string[][] }) =>
        directive.Metrics.flatMap((metric) =>
          directive.Dimensions.map((set) => ({
            namespace: directive.Namespace,
            name: metric.Name,
            dimensions: Object.fromEntries(set.map((key) => [key, String(line[key])])),
          })),
        ),
    ),
  );
}
