package org.fusioncds.deploy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.fusioncds.sandbox.FreePorts;
import org.fusioncds.sandbox.SandboxEhr;
import org.fusioncds.sandbox.SandboxHookCalls;
import org.fusioncds.sandbox.SandboxServers;
import org.fusioncds.sandbox.SandboxSettings;
import org.fusioncds.sandbox.cohort.CohortGenerator;
import org.fusioncds.sandbox.cohort.CohortLoader;
import org.fusioncds.sandbox.cohort.CohortLoader.LoadedPatient;
import org.fusioncds.sandbox.cohort.VisitFrame;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image of {@code mvn -Pimage} (Jib's {@code buildTar}, deploy/README.md) as a
 * container engine would run it, without one: its layers are unpacked in order into a folder, and
 * its entrypoint runs there in its own mount and PID namespaces with that folder as the root (its
 * own runtime, C library and ONNX Runtime, nothing of this machine's), read-only but for data/ and
 * /tmp as in deploy/k8s, in the image's working directory, as the image's user, with the image's
 * environment. Needs root (unshare), as CI has.
 */
class ImageIT {

  static final Path TAR = Path.of("fusion-cds-dist/target/image/fusion-cds-image.tar");
  static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Runs "$@" in the namespaces as deploy/k8s runs the image: /dev, /sys and /proc as a container
   * has them, the root file system read-only, {@code data/} of the working directory and /tmp
   * writable (the pods' emptyDirs); then the root, working directory and user of the image.
   */
  static final String LAUNCH =
      "root=$0 wd=$1 user=$2; shift 2; set -e; "
          + "/bin/mount --bind \"$root\" \"$root\"; "
          + "/bin/mount --rbind /dev \"$root/dev\"; /bin/mount --rbind /sys \"$root/sys\"; "
          + "/bin/mount -t proc proc \"$root/proc\"; "
          + "/bin/mount -t tmpfs -o mode=1777 tmpfs \"$root/tmp\"; "
          + "/bin/mount --bind \"$root$wd/data\" \"$root$wd/data\"; "
          + "/bin/mount -o remount,bind,ro \"$root\"; "
          + "exec /usr/bin/unshare --root=\"$root\" --wd=\"$wd\" --setuid \"${user%:*}\" "
          + "--setgid \"${user#*:}\" -- \"$@\"";

  /** Each started process's output (stdout and stderr). */
  static final Map<Process, Path> LOGS = new java.util.concurrent.ConcurrentHashMap<>();

  @TempDir static Path unpacked;
  static Path root;
  static JsonNode config;

  @BeforeAll
  static void unpackTheImage() throws Exception {
    assertTrue(Files.isRegularFile(TAR), TAR + " missing: build it with mvn -Pimage (README)");
    Path blobs = Files.createDirectories(unpacked.resolve("blobs"));
    root = Files.createDirectories(unpacked.resolve("root"));
    exec(List.of("tar", "-xf", TAR.toAbsolutePath().toString(), "-C", blobs.toString()));
    JsonNode manifest = JSON.readTree(blobs.resolve("manifest.json").toFile()).get(0);
    config = JSON.readTree(blobs.resolve(manifest.path("Config").asText()).toFile());
    for (JsonNode layer : manifest.path("Layers")) {
      // as root, tar keeps the owners the layer names (data/ belongs to the image's user)
      exec(
          List.of(
              "tar",
              "--warning=no-unknown-keyword",
              "--same-owner",
              "-xzf",
              blobs.resolve(layer.asText()).toString(),
              "-C",
              root.toString()));
    }
  }

  @Test
  void theImageHoldsItsRuntimeTheServiceAndTheModels() throws Exception {
    JsonNode c = config.path("config");
    List<String> entrypoint = strings(c.path("Entrypoint"));
    Path serviceJar = serviceJar();

    assertEquals("/opt/java/bin/java", entrypoint.get(0));
    assertTrue(Files.isExecutable(inImage(entrypoint.get(0))), "the runtime's java");
    assertEquals(List.of("-cp", "@/app/jib-classpath-file"), entrypoint.subList(2, 4));
    assertEquals("org.fusioncds.cli.Application", entrypoint.get(entrypoint.size() - 1));
    assertEquals(List.of("serve"), strings(c.path("Cmd")));
    assertEquals("10001:10001", c.path("User").asText(), "not root");
    assertEquals("/opt/fusion-cds", c.path("WorkingDir").asText());
    assertTrue(
        Files.readString(inImage("/app/jib-classpath-file"))
            .contains("/app/libs/" + serviceJar.getFileName()),
        "the service jar on the classpath");
    try (JarFile jar = new JarFile(serviceJar.toFile())) {
      assertTrue(jar.getEntry("org/fusioncds/app/ServiceMain.class") != null);
      assertTrue(jar.getEntry("application.properties") != null);
    }
    try (Stream<Path> models = Files.walk(Path.of("models"))) {
      for (Path file : models.filter(Files::isRegularFile).toList()) {
        Path copy = inImage("/opt/fusion-cds/" + file.toString().replace('\\', '/'));
        assertEquals(-1L, Files.mismatch(file, copy), file + " differs in the image");
      }
    }
    assertEquals(10001, Files.getAttribute(inImage("/opt/fusion-cds/data"), "unix:uid"));
    assertEquals(01777, (int) Files.getAttribute(inImage("/tmp"), "unix:mode") & 07777);
    List<String> unknown = new ArrayList<>();
    for (String variable : strings(c.path("Env"))) {
      String name = variable.substring(0, variable.indexOf('='));
      if (name.startsWith("FCDS_") && !DeployManifestsTest.environmentVariables().contains(name)) {
        unknown.add(name);
      }
    }
    assertEquals(List.of(), unknown, "set by the image, read by nobody");
  }

  @Test
  void itsOwnRuntimeRunsTheCommandLineAsTheImagesUser() throws Exception {
    Process p = start(List.of("--version"), Map.of());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    String text = output(p);

    assertEquals(0, p.exitValue(), text);
    assertTrue(text.startsWith("fusion-cds "), text);
  }

  @Test
  void itServesASignedHookAgainstRealServersConfiguredByTheEnvironment(@TempDir Path work)
      throws Exception {
    Path cohort = work.resolve("cohort");
    CohortGenerator.generate(8, 37, cohort, VisitFrame.dayBefore(Instant.now()));
    try (SandboxServers servers = SandboxServers.start(cohort.resolve("dicom"));
        SandboxEhr ehr = SandboxEhr.start()) {
      String fhirBase = servers.fhir().baseUrl();
      List<LoadedPatient> loaded =
          CohortLoader.load(FhirContext.forR4Cached().newRestfulGenericClient(fhirBase), cohort);
      LoadedPatient patient =
          loaded.stream().filter(p -> p.image() && p.labs()).findFirst().orElseThrow();
      int port = FreePorts.find();
      int management = FreePorts.find();
      Map<String, String> settings =
          SandboxSettings.forApp(port, ehr, work, fhirBase, servers.dicomWeb().baseUrl());
      settings.put("dicomweb.base-url", servers.dicomWeb().baseUrl());
      settings.put("camel.management.port", String.valueOf(management));
      settings.put("camel.server.host", "127.0.0.1");
      settings.put("camel.management.host", "127.0.0.1");
      // the folders are the image's: data/ of its working directory
      settings.keySet().removeIf(k -> k.endsWith("-folder"));
      Process service = start(List.of("serve"), asEnvironment(settings));
      try {
        String health = "http://127.0.0.1:" + management + "/health";
        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> !service.isAlive() || status(health + "/ready") == 200);
        assertTrue(service.isAlive(), output(service));
        assertEquals(200, status(health + "/live"), "the liveness probe's path");

        String hook = "http://127.0.0.1:" + port + "/cds-services/imaging-fusion";
        HttpResponse<String> answer =
            SandboxHookCalls.post(
                hook,
                SandboxHookCalls.patientView(fhirBase, patient.id(), "Practitioner/image-it"),
                ehr.sign(hook));

        assertEquals(200, answer.statusCode(), answer.body());
        JsonNode card = JSON.readTree(answer.body()).path("cards").path(0);
        assertTrue(card.path("summary").asText().startsWith("AI (preliminary): "), answer.body());
        Path spool = inImage("/opt/fusion-cds/data/audit-spool");
        assertTrue(Files.isDirectory(spool), "the audit spool in the image's data/");
        assertEquals(10001, Files.getAttribute(spool, "unix:uid"), "written as the image's user");
      } finally {
        stop(service);
      }
      assertFalse(output(service).contains(patient.id()), "no patient id in the log");
    }
  }

  // --- running the image

  /** The image's entrypoint with these arguments, in its root, as its user, with its Env. */
  static Process start(List<String> args, Map<String, String> environment) throws IOException {
    JsonNode c = config.path("config");
    List<String> command =
        new ArrayList<>(
            List.of(
                "/usr/bin/unshare",
                "--mount",
                "--pid",
                "--fork",
                "--kill-child=SIGTERM",
                "/bin/sh",
                "-c",
                LAUNCH,
                root.toString(),
                c.path("WorkingDir").asText(),
                c.path("User").asText()));
    command.addAll(strings(c.path("Entrypoint")));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().clear();
    for (String variable : strings(c.path("Env"))) {
      int eq = variable.indexOf('=');
      pb.environment().put(variable.substring(0, eq), variable.substring(eq + 1));
    }
    pb.environment().putAll(environment);
    Path log = Files.createTempFile(unpacked, "run", ".log");
    Process p = pb.redirectOutput(log.toFile()).start();
    LOGS.put(p, log);
    return p;
  }

  /**
   * Settings as a deployment gives them: FCDS_... where application.properties reads one, the rest
   * as -D in JAVA_TOOL_OPTIONS (as deploy/k8s/worker-deployment.yaml does).
   */
  static Map<String, String> asEnvironment(Map<String, String> settings) throws IOException {
    Map<String, String> variables = new HashMap<>();
    Pattern line = Pattern.compile("(?m)^([a-z][a-z0-9.-]+)\\s*=\\s*\\{\\{env:(FCDS_[A-Z0-9_]+):");
    Matcher m = line.matcher(Files.readString(DeployManifestsTest.PROPERTIES));
    while (m.find()) {
      variables.put(m.group(1), m.group(2));
    }
    Map<String, String> env = new HashMap<>();
    StringBuilder options = new StringBuilder("-Xmx1g");
    settings.forEach(
        (k, v) -> {
          if (variables.containsKey(k)) {
            env.put(variables.get(k), v);
          } else {
            options.append(" -D").append(k).append('=').append(v);
          }
        });
    env.put("JAVA_TOOL_OPTIONS", options.toString());
    return env;
  }

  /**
   * SIGTERM to the image's process itself (PID 1 of its namespace, as a container runtime stops
   * it), then to unshare; SIGKILL to all of them after 30 s.
   */
  static void stop(Process p) throws InterruptedException {
    List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
    all.forEach(ProcessHandle::destroy);
    p.destroy();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      all.forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  static String output(Process p) throws IOException {
    return Files.readString(LOGS.get(p));
  }

  static Path serviceJar() throws IOException {
    try (Stream<Path> libs = Files.list(inImage("/app/libs"))) {
      return libs.filter(f -> f.getFileName().toString().matches("fusion-cds-service-.*\\.jar"))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no fusion-cds-service jar in /app/libs"));
    }
  }

  static Path inImage(String absolute) {
    return root.resolve(absolute.substring(1));
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  static int status(String url) {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1; // not listening yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  static void exec(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), String.join(" ", command));
    assertEquals(0, p.exitValue(), String.join(" ", command) + "\n" + text);
  }
}
