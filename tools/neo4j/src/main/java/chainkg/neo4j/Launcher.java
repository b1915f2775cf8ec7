package chainkg.neo4j;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.cli.AdminTool;
import org.neo4j.cli.ExecutionContext;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.internal.helpers.HostnamePort;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * Neo4j 5.26 Community, embedded, with Bolt on a loopback address: chainkg's local server for tests, CI
 * and development (started and stopped by {@code .ci/neo4j}; see docs/neo4j.md).
 *
 * <pre>
 *   Launcher server --home DIR --password-file FILE --ready-file FILE [--port 0] [--page-cache 256m]
 *                   [--tx-timeout 0s]
 *   Launcher admin --home DIR -- database import full …      (Neo4j's own neo4j-admin, same jars)
 * </pre>
 *
 * {@code server}: on the first start of a home folder it sets the initial password of user {@code neo4j}
 * (read from the password file, never from the command line, so that {@code ps} does not show it), starts the
 * DBMS with authentication on, Bolt on 127.0.0.1 (port 0: any free port), the page cache and transaction timeout
 * given, checks that Bolt answers {@code RETURN 1} with those credentials through the Java driver, and only then
 * writes the ready file ({@code port=…}). SIGTERM shuts the DBMS down cleanly. The heap is the JVM's
 * ({@code -Xmx}, set by the caller).
 */
public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage("no command");
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "server" -> server(options(rest, List.of("home", "password-file", "ready-file"), false));
            case "admin" -> System.exit(admin(rest));
            default -> usage("unknown command " + args[0]);
        }
    }

    private static void usage(String problem) {
        System.err.println("chainkg-neo4j: " + problem);
        System.err.println("usage: Launcher server --home DIR --password-file FILE --ready-file FILE"
                + " [--port N] [--address 127.0.0.1] [--page-cache 256m] [--tx-timeout 0s]");
        System.err.println("       Launcher admin --home DIR -- <neo4j-admin arguments>");
        System.exit(2);
    }

    /** {@code --name value} pairs; with {@code stopAtDashes}, everything after {@code --} is left under "--". */
    private static Map<String, String> options(String[] args, List<String> required, boolean stopAtDashes) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (stopAtDashes && args[i].equals("--")) {
                out.put("--", String.valueOf(i + 1));
                break;
            }
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                usage("bad argument " + args[i]);
            }
            out.put(args[i].substring(2), args[++i]);
        }
        for (String name : required) {
            if (!out.containsKey(name)) {
                usage("--" + name + " is required");
            }
        }
        return out;
    }

    private static long bytes(String size) {
        String s = size.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (s.endsWith("k")) {
            unit = 1L << 10;
        } else if (s.endsWith("m")) {
            unit = 1L << 20;
        } else if (s.endsWith("g")) {
            unit = 1L << 30;
        }
        if (unit > 1) {
            s = s.substring(0, s.length() - 1);
        }
        return Long.parseLong(s) * unit;
    }

    private static Duration duration(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
        }
        if (s.endsWith("s")) {
            s = s.substring(0, s.length() - 1);
        }
        return Duration.ofMillis(Math.round(Double.parseDouble(s) * 1000));
    }

    private static void server(Map<String, String> opts) throws Exception {
        Path home = Path.of(opts.get("home")).toAbsolutePath();
        String password = Files.readString(Path.of(opts.get("password-file")), StandardCharsets.UTF_8).strip();
        Path ready = Path.of(opts.get("ready-file")).toAbsolutePath();
        String address = opts.getOrDefault("address", "127.0.0.1");
        int port = Integer.parseInt(opts.getOrDefault("port", "0"));
        Files.createDirectories(home);

        if (!Files.exists(home.resolve("data").resolve("databases").resolve("system"))) {
            // the first start: the password must be in place before the system database is created
            int code = AdminTool.execute(context(home, System.err),
                    "dbms", "set-initial-password", password);
            if (code != 0) {
                throw new IllegalStateException("could not set the initial password (exit " + code + ")");
            }
        }
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(address, port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress(address, port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(GraphDatabaseSettings.pagecache_memory, bytes(opts.getOrDefault("page-cache", "256m")))
                .setConfig(GraphDatabaseSettings.transaction_timeout, duration(opts.getOrDefault("tx-timeout", "0")))
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .setConfig(GraphDatabaseSettings.logs_directory, home.resolve("logs"))
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("chainkg-neo4j: shutting down");
            dbms.shutdown();
            stopped.countDown();
        }, "chainkg-neo4j-shutdown"));

        GraphDatabaseAPI db = (GraphDatabaseAPI) dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        HostnamePort bolt = db.getDependencyResolver().resolveDependency(ConnectorPortRegister.class)
                .getLocalAddress(ConnectorType.BOLT);
        String uri = "bolt://" + address + ":" + bolt.getPort();
        // ready means: Bolt answers a query with the generated credentials, in the default database
        try (Driver driver = GraphDatabase.driver(uri, AuthTokens.basic("neo4j", password))) {
            long answer = driver.executableQuery("RETURN 1 AS ok").execute().records().get(0).get("ok").asLong();
            if (answer != 1) {
                throw new IllegalStateException("Bolt answered " + answer);
            }
        }
        Path temp = ready.resolveSibling(ready.getFileName() + ".tmp");
        Files.writeString(temp, "port=" + bolt.getPort() + "\npid=" + ProcessHandle.current().pid() + "\n",
                StandardCharsets.UTF_8);
        Files.move(temp, ready, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        System.err.println("chainkg-neo4j: Neo4j " + neo4jVersion() + " ready at " + uri + " (home " + home + ")");
        stopped.await();
    }

    private static String neo4jVersion() {
        Package p = DatabaseManagementService.class.getPackage();
        return p != null && p.getImplementationVersion() != null ? p.getImplementationVersion() : "5";
    }

    private static ExecutionContext context(Path home, PrintStream out) {
        return new ExecutionContext(home, home.resolve("conf"), out, System.err,
                new org.neo4j.io.fs.DefaultFileSystemAbstraction());
    }

    /** Neo4j's admin tool (neo4j-admin) on the same jars, with NEO4J_HOME = --home. */
    private static int admin(String[] args) throws IOException {
        Map<String, String> opts = options(args, List.of("home"), true);
        if (!opts.containsKey("--")) {
            usage("admin: give the neo4j-admin arguments after --");
        }
        Path home = Path.of(opts.get("home")).toAbsolutePath();
        Files.createDirectories(home.resolve("conf"));
        List<String> rest = new ArrayList<>(Arrays.asList(args).subList(Integer.parseInt(opts.get("--")), args.length));
        return AdminTool.execute(context(home, System.out), rest.toArray(new String[0]));
    }
}
