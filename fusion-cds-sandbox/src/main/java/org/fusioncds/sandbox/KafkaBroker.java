package org.fusioncds.sandbox;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.fusioncds.error.ErrorCode;

/**
 * An Apache Kafka broker for the demo and the tests: one node in KRaft mode (broker and controller)
 * listening on 127.0.0.1 only, run as a child JVM on its own classpath ({@code
 * target/kafka-broker/lib}, made by the fusion-cds-broker module: Kafka's Scala, ZooKeeper and
 * Netty versions never meet the application's). Stopped by its PID; {@link #stop()} and {@link
 * #start()} again keep its data and ports (a broker restart, as the fault tests need). Errors:
 * FCDS-8070 (no broker classpath), FCDS-8071 (did not start).
 */
public final class KafkaBroker implements AutoCloseable {

  /** Where the broker's classpath is looked for when {@code fcds.kafka-broker.lib} is not set. */
  public static final String LIB_PROPERTY = "fcds.kafka-broker.lib";

  private static final Duration STARTUP = Duration.ofSeconds(90);

  private final Path folder;
  private final Path lib;
  private final int port;
  private final int controllerPort;
  private final int partitions;
  private Process process;

  private KafkaBroker(Path folder, Path lib, int port, int controllerPort, int partitions) {
    this.folder = folder;
    this.lib = lib;
    this.port = port;
    this.controllerPort = controllerPort;
    this.partitions = partitions;
  }

  /**
   * Formats a new log folder under {@code work} and starts the broker on free loopback ports; new
   * topics get {@code partitions} partitions.
   */
  public static KafkaBroker start(Path work, int partitions) {
    Path lib = lib();
    KafkaBroker broker =
        new KafkaBroker(work.resolve("kafka"), lib, FreePorts.find(), FreePorts.find(), partitions);
    broker.format();
    broker.start();
    return broker;
  }

  /** {@code host:port} for {@code bootstrap.servers}. */
  public String bootstrap() {
    return "127.0.0.1:" + port;
  }

  /** The broker process's PID, or -1 when it is stopped. */
  public long pid() {
    Process p = process;
    return p == null || !p.isAlive() ? -1 : p.pid();
  }

  /** Creates topics (those that exist are left as they are) with the broker's partition count. */
  public void createTopics(String... names) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    try (Admin admin = Admin.create(p)) {
      for (String name : names) {
        try {
          admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw failed("could not create topic " + name + " — " + e.getCause().getMessage());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failed("interrupted while creating topics");
    }
  }

  /** Starts the broker process (again, after {@link #stop()}) and waits until it takes clients. */
  public synchronized void start() {
    if (pid() > 0) {
      return;
    }
    List<String> command = java(List.of("-Xmx512m", "-XX:+UseSerialGC"), "kafka.Kafka");
    command.add(folder.resolve("server.properties").toString());
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
              .start();
    } catch (IOException e) {
      throw failed("could not be launched — " + e.getMessage());
    }
    awaitClients();
  }

  /** Stops the broker: SIGTERM, then SIGKILL after 20 s. Its data stays for {@link #start()}. */
  public synchronized void stop() {
    Process p = process;
    if (p == null) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
    process = null;
  }

  @Override
  public void close() {
    stop();
  }

  /** The broker's own output (warnings and errors). */
  public Path log() {
    return folder.resolve("broker.log");
  }

  private void format() {
    try {
      Files.createDirectories(folder);
      Files.writeString(folder.resolve("server.properties"), settings(), StandardCharsets.UTF_8);
      List<String> command = java(List.of("-Xmx256m"), "kafka.tools.StorageTool");
      command.addAll(
          List.of(
              "format",
              "-t",
              UUID.randomUUID().toString().replace("-", "").substring(0, 22),
              "-c",
              folder.resolve("server.properties").toString()));
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
              .start();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw failed("storage could not be formatted");
      }
    } catch (IOException e) {
      throw failed("storage could not be formatted — " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failed("interrupted while formatting");
    }
  }

  private String settings() {
    Map<String, String> s = new java.util.LinkedHashMap<>();
    s.put("process.roles", "broker,controller");
    s.put("node.id", "1");
    s.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    s.put(
        "listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    s.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    s.put("controller.listener.names", "CONTROLLER");
    s.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    s.put("log.dirs", folder.resolve("data").toString());
    s.put("num.partitions", String.valueOf(partitions));
    s.put("offsets.topic.replication.factor", "1");
    s.put("offsets.topic.num.partitions", "4");
    s.put("transaction.state.log.replication.factor", "1");
    s.put("transaction.state.log.min.isr", "1");
    s.put("group.initial.rebalance.delay.ms", "0");
    StringBuilder out = new StringBuilder("# the sandbox's single-node KRaft broker\n");
    s.forEach((k, v) -> out.append(k).append('=').append(v).append('\n'));
    return out.toString();
  }

  private List<String> java(List<String> options, String mainClass) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(options);
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    command.add("-cp");
    command.add(lib.toAbsolutePath() + File.separator + "*");
    command.add(mainClass);
    return command;
  }

  private void awaitClients() {
    long deadline = System.nanoTime() + STARTUP.toNanos();
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw failed("exited with status " + process.exitValue());
      }
      if (listening()) {
        try (Admin admin = Admin.create(p)) {
          admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
          return;
        } catch (Exception notYet) {
          // the listener is open before the controller has elected itself
        }
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw failed("interrupted while starting");
      }
    }
    stop();
    throw failed("did not take clients within " + STARTUP.toSeconds() + " s");
  }

  private boolean listening() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private SandboxException failed(String what) {
    return new SandboxException(
        ErrorCode.SANDBOX_KAFKA_NOT_STARTED, "the Kafka broker " + what + " — its log: " + log());
  }

  /**
   * The broker's classpath: {@code -Dfcds.kafka-broker.lib}, else {@code target/kafka-broker/lib}
   * under the working folder, else {@code kafka-broker/lib} beside the running jar.
   */
  static Path lib() {
    List<Path> candidates = new ArrayList<>();
    String configured = System.getProperty(LIB_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      candidates.add(Path.of(configured));
    } else {
      candidates.add(Path.of("target", "kafka-broker", "lib"));
      try {
        Path jar =
            Path.of(KafkaBroker.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        candidates.add(jar.getParent().resolve("kafka-broker").resolve("lib"));
      } catch (Exception ignored) {
        // not run from a file: only the working folder is looked at
      }
    }
    for (Path c : candidates) {
      if (Files.isRegularFile(c.resolve("kafka_2.13-" + KAFKA_VERSION + ".jar"))) {
        return c;
      }
    }
    throw new SandboxException(
        ErrorCode.SANDBOX_KAFKA_MISSING,
        "no Kafka broker classpath (kafka_2.13-"
            + KAFKA_VERSION
            + ".jar) in "
            + candidates
            + ": build it with `mvn -pl fusion-cds-broker package` or set -D"
            + LIB_PROPERTY);
  }

  /** The broker version the fusion-cds-broker module copies (Camel's kafka-clients version). */
  static final String KAFKA_VERSION = org.apache.kafka.common.utils.AppInfoParser.getVersion();
}
