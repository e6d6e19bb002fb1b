import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setImmediate as nextTurn } from "node:timers/promises";
import { collectGarbage } from "../src/memory.js";

describe("collectGarbage", () => {
  it("really runs a full collection: an unreachable object is gone afterwards", async () => {
    let payload: object | undefined = { data: new Array(100_000).fill("x") };
    const ref = new WeakRef(payload);
    payload = undefined;
    // A WeakRef keeps its target alive until the current job ends.
    await nextTurn();
    collectGarbage();
    assert.equal(ref.deref(), undefined, "the collector was not reached");
  });
});
