/**
 * Keeps c360's heap close to its live data.
 *
 * V8 collects lazily: with about 30 MB live, a load or generate run let its heap fill with 100 MB
 * and more of garbage before a full collection, so peak RSS depended on how long the run lasted
 * (about 150 MB at 100k rows, 250 MB at 1M; see bench/results). A full collection at batch
 * boundaries makes peak memory follow the batch size, not the run length. A collection costs some
 * milliseconds even with little live, so most callers collect only once the heap has grown by an
 * allowance (collectorOnGrowth): a load before every batch cost c360 about 10 s of CPU per million
 * rows. Where the collector cannot be reached this does nothing.
 */
import v8 from "node:v8";
import vm from "node:vm";

let collect: (() => void) | null | undefined;

function collector(): (() => void) | null {
  if (collect !== undefined) return collect;
  try {
    v8.setFlagsFromString("--expose-gc");
    const gc: unknown = vm.runInNewContext("gc");
    collect = typeof gc === "function" ? (gc as () => void) : null;
  } catch {
    collect = null;
  }
  return collect;
}

/** A full garbage collection now (between batches, never inside one). */
export function collectGarbage(): void {
  collector()?.();
}

/**
 * Collects only once the heap has grown by `allowanceBytes` since the last collection. Where much
 * stays live (a bulk load's join keys), a full collection costs in proportion to it: collecting on
 * growth rather than at every batch keeps memory as bounded at a fraction of the cost.
 */
export function collectorOnGrowth(allowanceBytes: number): () => void {
  let baseline = v8.getHeapStatistics().used_heap_size;
  return () => {
    if (v8.getHeapStatistics().used_heap_size - baseline < allowanceBytes) return;
    collectGarbage();
    baseline = v8.getHeapStatistics().used_heap_size;
  };
}
