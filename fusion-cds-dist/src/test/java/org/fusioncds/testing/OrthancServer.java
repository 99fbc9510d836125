package org.fusioncds.testing;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.fusioncds.sandbox.FreePorts;

/**
 * A real Orthanc (with its DICOMweb plugin) started for a test: its own temp folder, free high
 * ports on this machine, remote access off, no authentication, no DICOM listener. Stopped and
 * deleted by {@link #close()}. {@code ORTHANC_EXECUTABLE} and {@code ORTHANC_DICOMWEB_PLUGIN}
 * override the Debian locations.
 */
public final class OrthancServer implements AutoCloseable {

  private static final String EXECUTABLE = "/usr/sbin/Orthanc";
  private static final String DICOMWEB_PLUGIN = "/usr/share/orthanc/plugins/libOrthancDicomWeb.so";
  private static final Duration DEFAULT_STARTUP = Duration.ofSeconds(60);
  private static final int ATTEMPTS = 3;

  private final Path folder;
  private final int httpPort;
  private volatile Process process;
  private final Thread shutdownHook;

  private OrthancServer(Path folder, int httpPort, Process process) {
    this.folder = folder;
    this.httpPort = httpPort;
    this.process = process;
    this.shutdownHook = new Thread(this::stop, "orthanc-stop-" + httpPort);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts an Orthanc and waits until its REST API answers, at most 60 s. */
  public static OrthancServer start() {
    return start(DEFAULT_STARTUP);
  }

  /**
   * Starts an Orthanc and waits until {@code /system} answers. A start that loses a port race is
   * retried on fresh ports.
   *
   * @throws IllegalStateException when Orthanc does not come up in time, with its log tail
   */
  public static OrthancServer start(Duration startupTimeout) {
    String executable = setting("ORTHANC_EXECUTABLE", EXECUTABLE);
    String plugin = setting("ORTHANC_DICOMWEB_PLUGIN", DICOMWEB_PLUGIN);
    if (!Files.isExecutable(Path.of(executable)) || !Files.isReadable(Path.of(plugin))) {
      throw new IllegalStateException(
          "Orthanc or its DICOMweb plugin is not installed (apt-get install orthanc"
              + " orthanc-dicomweb): "
              + executable
              + ", "
              + plugin);
    }
    IllegalStateException last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      Path folder = createFolder();
      int httpPort = FreePorts.find();
      try {
        Path config = writeConfig(folder, httpPort, FreePorts.find(), plugin);
        Process process =
            new ProcessBuilder(executable, "--no-jobs", config.toString())
                .directory(folder.toFile())
                .redirectErrorStream(true)
                .redirectOutput(folder.resolve("orthanc.log").toFile())
                .start();
        OrthancServer server = new OrthancServer(folder, httpPort, process);
        try {
          server.awaitReady(startupTimeout);
          return server;
        } catch (IllegalStateException e) {
          boolean exited = !process.isAlive();
          server.close();
          if (!exited) {
            throw e;
          }
          last = e;
        }
      } catch (IOException e) {
        deleteRecursively(folder);
        throw new UncheckedIOException("cannot start " + executable, e);
      }
    }
    throw last;
  }

  /** The HTTP port Orthanc listens on. */
  public int httpPort() {
    return httpPort;
  }

  /** The root of Orthanc's REST API, for example {@code http://127.0.0.1:41234}. */
  public URI baseUrl() {
    return URI.create("http://127.0.0.1:" + httpPort);
  }

  /** The root of the DICOMweb API, for example {@code http://127.0.0.1:41234/dicom-web}. */
  public URI dicomWebUrl() {
    return URI.create(baseUrl() + "/dicom-web");
  }

  /** The last {@code lines} lines of Orthanc's log. */
  public String logTail(int lines) {
    return tail(folder.resolve("orthanc.log"), lines);
  }

  /** Stops Orthanc (by its process, SIGTERM then SIGKILL) and deletes its folder. */
  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException ignored) {
      // the JVM is already shutting down
    }
  }

  /**
   * Stops the Orthanc process (SIGTERM, then SIGKILL) and keeps its storage: {@link #startAgain()}
   * brings it back on the same port with the same instances.
   */
  public void stopKeepingData() {
    Process p = process;
    p.destroy();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Starts Orthanc again after {@link #stopKeepingData()}: same folder, same port. */
  public void startAgain() throws IOException {
    String executable = setting("ORTHANC_EXECUTABLE", EXECUTABLE);
    process =
        new ProcessBuilder(executable, "--no-jobs", folder.resolve("orthanc.json").toString())
            .directory(folder.toFile())
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(folder.resolve("orthanc.log").toFile()))
            .start();
    awaitReady(DEFAULT_STARTUP);
  }

  private void stop() {
    try {
      process.destroy();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      deleteRecursively(folder);
    }
  }

  private void awaitReady(Duration timeout) {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    HttpRequest ping =
        HttpRequest.newBuilder(URI.create(baseUrl() + "/system"))
            .timeout(Duration.ofSeconds(2))
            .build();
    try {
      await()
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new IllegalStateException(
                      "Orthanc exited with status "
                          + process.exitValue()
                          + " before answering on port "
                          + httpPort
                          + "; log tail:\n"
                          + logTail(30));
                }
                try {
                  return http.send(ping, HttpResponse.BodyHandlers.discarding()).statusCode()
                      == 200;
                } catch (IOException notYet) {
                  return false; // not listening yet
                }
              });
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException(
          "Orthanc did not answer GET /system on port "
              + httpPort
              + " within "
              + timeout.toSeconds()
              + " s; log tail:\n"
              + logTail(30),
          e);
    }
  }

  private static Path writeConfig(Path folder, int httpPort, int dicomPort, String plugin)
      throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode config = json.createObjectNode();
    config.put("Name", "fusion-cds-test");
    config.put("HttpPort", httpPort);
    config.put("DicomServerEnabled", false);
    config.put("DicomPort", dicomPort);
    config.put("RemoteAccessAllowed", false);
    config.put("AuthenticationEnabled", false);
    config.put("StorageDirectory", folder.resolve("storage").toString());
    config.put("IndexDirectory", folder.resolve("index").toString());
    config.put("SaveJobs", false);
    config.put("ConcurrentJobs", 1);
    config.putArray("Plugins").add(plugin);
    ObjectNode dicomWeb = config.putObject("DicomWeb");
    dicomWeb.put("Enable", true);
    dicomWeb.put("Root", "/dicom-web/");
    dicomWeb.put("Host", "127.0.0.1:" + httpPort);
    dicomWeb.put("Ssl", false);
    Path file = folder.resolve("orthanc.json");
    json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), config);
    return file;
  }

  private static Path createFolder() {
    try {
      return Files.createTempDirectory("fcds-orthanc-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temp folder for Orthanc", e);
    }
  }

  private static String tail(Path log, int lines) {
    try {
      if (!Files.exists(log)) {
        return "(no log)";
      }
      List<String> all = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException ignored) {
                  // best effort: a temp folder
                }
              });
    } catch (IOException ignored) {
      // best effort: a temp folder
    }
  }

  private static String setting(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
