/**
 * Connections to Neo4j. `createDriver` opens a driver with c360's settings; `withDriver` also checks
 * that the target is reachable and closes the driver in `finally`. The few callers that create a
 * driver themselves (the bulk load's staging engine, the demo's probe) close it in their own `finally`.
 */
import neo4j, { type Driver } from "neo4j-driver";
import { defaultTimeouts, type Neo4jTarget, type Timeouts } from "../config.js";
import { TargetError, messageOf } from "../errors.js";

export function createDriver(target: Neo4jTarget, options: { connectTimeoutMs?: number } = {}): Driver {
  // Without a password, no auth token at all (the local engine runs without authentication).
  const auth = target.password === undefined ? undefined : neo4j.auth.basic(target.username, target.password);
  return neo4j.driver(target.uri, auth, {
    // Integers come back as BigInt: exact beyond 2^53, never silently rounded.
    useBigInt: true,
    connectionTimeout: options.connectTimeoutMs ?? defaultTimeouts.connectMs,
    connectionAcquisitionTimeout: Math.max(60_000, options.connectTimeoutMs ?? defaultTimeouts.connectMs),
    userAgent: "c360",
  });
}

/** Opens a driver, proves the server answers, runs `work`, and always closes the driver. */
export async function withDriver<T>(
  target: Neo4jTarget,
  timeouts: Pick<Timeouts, "connectMs">,
  work: (driver: Driver) => Promise<T>,
): Promise<T> {
  const driver = createDriver(target, { connectTimeoutMs: timeouts.connectMs });
  try {
    try {
      await driver.verifyConnectivity({ database: target.database });
    } catch (error) {
      throw new TargetError(`cannot connect to Neo4j at ${target.uri}: ${messageOf(error)}`, {
        cause: error,
        hint: "Check NEO4J_URI, NEO4J_USERNAME and NEO4J_PASSWORD, or start the local engine with `c360 neo4j`.",
      });
    }
    return await work(driver);
  } finally {
    await driver.close().catch(() => undefined);
  }
}

/** The server's version string, e.g. "Neo4j/5.26.19". */
export async function serverVersion(driver: Driver, database: string): Promise<string> {
  try {
    const info = await driver.getServerInfo({ database });
    return info.agent ?? "unknown";
  } catch (error) {
    throw new TargetError(`cannot read the Neo4j server's version: ${messageOf(error)}`, { cause: error });
  }
}

/**
 * Before a full run extracts anything: Neo4j answers, and takes a write (made in a transaction
 * that is rolled back). A down or read-only Neo4j then costs seconds, not a whole extract.
 */
export async function assertWritable(
  target: Neo4jTarget,
  timeouts: Pick<Timeouts, "connectMs">,
): Promise<void> {
  await withDriver(target, timeouts, (driver) => assertTakesWrites(driver, target));
}

/** assertWritable on a driver already open (`c360 doctor` asks the same server more). */
export async function assertTakesWrites(driver: Driver, target: Neo4jTarget): Promise<void> {
  const session = driver.session({ database: target.database, defaultAccessMode: neo4j.session.WRITE });
  const tx = session.beginTransaction();
  try {
    // No label: a label, even rolled back, would leave its token in the store.
    await tx.run("CREATE (probe) DELETE probe");
  } catch (error) {
    throw new TargetError(`Neo4j at ${target.uri} does not take writes: ${messageOf(error)}`, {
      cause: error,
      hint: "Check that NEO4J_DATABASE names a writable database on a primary, and the user's write privileges.",
    });
  } finally {
    await tx.rollback().catch(() => undefined);
    await session.close().catch(() => undefined);
  }
}
