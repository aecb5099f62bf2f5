package th.oit.solr;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.solr.core.CoreContainer;
import org.apache.solr.core.SolrCore;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one standalone Solr node (no ZooKeeper) for CKAN development and tests.
 *
 * <pre>
 *   java -cp 'oit-solr-launcher.jar:lib/*' th.oit.solr.SolrLauncher SOLR_HOME [PORT [HOST]]
 * </pre>
 *
 * Each argument can also be given as a system property: {@code oit.solr.home}, {@code
 * oit.solr.port} (default 8986) and {@code oit.solr.host} (default 127.0.0.1). Solr is served under
 * {@code /solr}; the cores are found by core discovery ({@code core.properties}) below the home.
 *
 * <p>Jetty is built by Solr's own {@link JettySolrRunner}, which always binds its connector to
 * 127.0.0.1; the launcher refuses any other host instead of silently ignoring it. SIGTERM (or
 * Ctrl-C) runs a shutdown hook that stops Jetty and closes the cores, which commits pending
 * updates. Logging goes to stdout through log4j2 (see log4j2.xml in the resources).
 */
public final class SolrLauncher {
  private static final Logger log = LoggerFactory.getLogger(SolrLauncher.class);
  private static final String LOOPBACK = "127.0.0.1";

  private SolrLauncher() {}

  public static void main(String[] args) throws Exception {
    String home = arg(args, 0, "oit.solr.home", null);
    String portText = arg(args, 1, "oit.solr.port", "8986");
    String host = arg(args, 2, "oit.solr.host", LOOPBACK);
    if (home == null || args.length > 3) {
      System.err.println("usage: SolrLauncher SOLR_HOME [PORT [HOST]]");
      System.exit(2);
    }
    if (!LOOPBACK.equals(host)) {
      // JettySolrRunner hard-codes the loopback address; do not pretend otherwise.
      fail("only host " + LOOPBACK + " is supported, not " + host);
    }
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port <= 0 || port > 65535) {
      fail("bad port: " + portText);
    }
    Path solrHome = Path.of(home).toAbsolutePath().normalize();
    if (!Files.isRegularFile(solrHome.resolve("solr.xml"))) {
      fail("no solr.xml in solr home " + solrHome);
    }

    // Properties that bin/solr would set; without them Solr logs warnings (or "port null").
    System.setProperty("host", LOOPBACK);
    System.setProperty("jetty.port", Integer.toString(port));
    System.setProperty("solr.solr.home", solrHome.toString());
    if (System.getProperty("solr.install.dir") == null) {
      // the build directory (launcher jar + lib/); it has no modules/, so none load
      Path jar = Path.of(SolrLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      System.setProperty("solr.install.dir", jar.getParent().toString());
    }

    JettyConfig config =
        JettyConfig.builder()
            .setContext("/solr")
            .setPort(port)
            .withPortRetryTime(0) // fail at once when the port is taken
            .stopAtShutdown(false) // our own hook stops Jetty and the cores in order
            .build();
    JettySolrRunner runner = new JettySolrRunner(solrHome.toString(), new Properties(), config);

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("shutdown requested, stopping Solr");
                  try {
                    if (!runner.isStopped()) {
                      runner.stop();
                    }
                    log.info("Solr stopped");
                  } catch (Exception e) {
                    log.error("error while stopping Solr", e);
                  } finally {
                    stopped.countDown();
                  }
                },
                "oit-solr-shutdown"));

    try {
      runner.start(); // blocks until the cores have loaded
    } catch (Exception e) {
      log.error("Solr failed to start on {}:{}", LOOPBACK, port, e);
      System.exit(1);
    }
    CoreContainer cores = runner.getCoreContainer();
    Map<String, CoreContainer.CoreLoadFailure> failures = cores.getCoreInitFailures();
    if (!failures.isEmpty()) {
      failures.forEach(
          (name, failure) ->
              log.error("core {} failed to load: {}", name, rootCause(failure.exception)));
      System.exit(1); // the shutdown hook stops Jetty
    }
    log.info(
        "Solr {} ready at {} (home {}, cores {})",
        SolrCore.class.getPackage().getImplementationVersion(),
        runner.getBaseUrl(),
        solrHome,
        cores.getLoadedCoreNames());
    stopped.await(); // Jetty's threads keep the JVM alive; wait for the shutdown hook
  }

  private static String arg(String[] args, int index, String property, String fallback) {
    if (args.length > index && !args[index].isEmpty()) {
      return args[index];
    }
    return System.getProperty(property, fallback);
  }

  private static String rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.toString(); // the stack trace is already in the log (CoreContainer)
  }

  private static void fail(String message) {
    System.err.println("SolrLauncher: " + message);
    System.exit(2);
  }
}
