package dev.c360.neo4j;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.internal.helpers.HostnamePort;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * Runs the Neo4j Community engine embedded, with its Bolt server on a loopback address.
 *
 * <p>Prints exactly one line starting with {@code C360_NEO4J_READY} and the Bolt URI once the
 * default database is available, so callers can wait for it without polling. Every other line it
 * prints goes to stderr. SIGTERM/SIGINT (and, with {@code --exit-on-stdin-eof}, the parent closing
 * our stdin) shut the store down cleanly through a shutdown hook.
 */
public final class Launcher {
    static final String READY_MARKER = "C360_NEO4J_READY";

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("c360-neo4j-local: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }

        Files.createDirectories(options.home);
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(options.home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(options.host, options.port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress(options.host, options.port))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                // Routing would open a second port; a single local instance does not need it.
                .setConfig(GraphDatabaseSettings.routing_enabled, false)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, options.pageCacheBytes)
                .setConfig(GraphDatabaseSettings.memory_transaction_global_max_size, options.transactionMaxBytes)
                // Keep transaction logs small: this is a scratch store, not a production backup.
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "false")
                // Bolt otherwise waits a 5 s quiet period on shutdown: the engine is stopped by c360
                // after its own work (a bulk load, a test file, a bench run), with no client left.
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .build();

        Thread shutdown = new Thread(() -> {
            System.err.println("c360-neo4j-local: shutting down");
            dbms.shutdown();
        }, "c360-neo4j-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);

        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        if (!db.isAvailable(TimeUnit.SECONDS.toMillis(options.readySeconds))) {
            System.err.println("c360-neo4j-local: database did not become available in " + options.readySeconds + "s");
            System.exit(1);
        }

        HostnamePort bolt = ((GraphDatabaseAPI) db)
                .getDependencyResolver()
                .resolveDependency(ConnectorPortRegister.class)
                .getLocalAddress(ConnectorType.BOLT);
        System.out.println(READY_MARKER + " bolt://" + options.host + ":" + bolt.getPort());
        System.out.flush();

        if (options.exitOnStdinEof) {
            // The parent holds our stdin open for as long as it lives; EOF means it is gone,
            // so no orphaned engine keeps the store locked.
            InputStream in = System.in;
            byte[] buffer = new byte[256];
            try {
                while (in.read(buffer) >= 0) {
                    // Ignore anything written; only the end of the stream matters.
                }
            } catch (IOException ignored) {
                // A broken pipe means the same as EOF.
            }
            System.exit(0);
        } else {
            Thread.currentThread().join();
        }
    }

    static final class Options {
        static final String USAGE = String.join("\n",
                "usage: Launcher --home DIR [--host 127.0.0.1] [--port 0] [--page-cache 512m]",
                "                [--tx-max 1g] [--ready-timeout 180] [--exit-on-stdin-eof]");

        Path home;
        String host = "127.0.0.1";
        int port = 0;
        long pageCacheBytes = parseBytes("512m");
        long transactionMaxBytes = parseBytes("1g");
        long readySeconds = Duration.ofMinutes(3).toSeconds();
        boolean exitOnStdinEof = false;

        static Options parse(String[] args) {
            Options o = new Options();
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--exit-on-stdin-eof")) {
                    o.exitOnStdinEof = true;
                } else if (arg.startsWith("--") && i + 1 < args.length) {
                    values.put(arg, args[++i]);
                } else {
                    throw new IllegalArgumentException("unexpected argument: " + arg);
                }
            }
            for (Map.Entry<String, String> e : values.entrySet()) {
                switch (e.getKey()) {
                    case "--home" -> o.home = Path.of(e.getValue()).toAbsolutePath();
                    case "--host" -> o.host = e.getValue();
                    case "--port" -> o.port = Integer.parseInt(e.getValue());
                    case "--page-cache" -> o.pageCacheBytes = parseBytes(e.getValue());
                    case "--tx-max" -> o.transactionMaxBytes = parseBytes(e.getValue());
                    case "--ready-timeout" -> o.readySeconds = Long.parseLong(e.getValue());
                    default -> throw new IllegalArgumentException("unknown option: " + e.getKey());
                }
            }
            if (o.home == null) {
                throw new IllegalArgumentException("--home is required");
            }
            return o;
        }

        static long parseBytes(String text) {
            String t = text.trim().toLowerCase();
            long unit = 1;
            char last = t.charAt(t.length() - 1);
            if (last == 'k' || last == 'm' || last == 'g') {
                unit = last == 'k' ? 1L << 10 : last == 'm' ? 1L << 20 : 1L << 30;
                t = t.substring(0, t.length() - 1);
            }
            return Long.parseLong(t) * unit;
        }
    }
}
