package org.fusioncds.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Stream;

/**
 * A Keycloak home of its own for one test run, under {@code target/keycloak-runs/}: {@code
 * bin/kc.sh} and {@code conf/} copied from the unpacked distribution (kc.sh takes its home from its
 * own location), {@code lib/}, {@code providers/} and {@code themes/} linked, a fresh {@code data/}
 * with the realm file in {@code data/import/}.
 */
final class KeycloakHome {

  static final String DISTRIBUTION = "target/keycloak/keycloak-26.7.3";
  static final String REALM_FILE = "deploy/keycloak/fusion-cds-realm.json";
  private static final String UNPACK = "mvn -B -q dependency:unpack@unpack-keycloak";

  private KeycloakHome() {}

  /** A new home linked to the distribution, with the project's realm ready for import. */
  static Path create() {
    Path dist = Path.of(DISTRIBUTION).toAbsolutePath();
    if (!Files.isRegularFile(dist.resolve("bin/kc.sh"))) {
      throw new IllegalStateException(
          "Keycloak 26.7.3 is not unpacked at " + dist + ": run `" + UNPACK + "` first");
    }
    Path home = Path.of("target/keycloak-runs", runName()).toAbsolutePath();
    try {
      Files.createDirectories(home.resolve("bin"));
      Files.createDirectories(home.resolve("data/import"));
      Files.copy(
          dist.resolve("bin/kc.sh"), home.resolve("bin/kc.sh"), StandardCopyOption.COPY_ATTRIBUTES);
      copyFolder(dist.resolve("conf"), home.resolve("conf"));
      for (String shared : List.of("lib", "providers", "themes")) {
        Files.createSymbolicLink(home.resolve(shared), dist.resolve(shared));
      }
      Files.copy(
          Path.of(REALM_FILE).toAbsolutePath(), home.resolve("data/import/fusion-cds-realm.json"));
      return home;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare a Keycloak home at " + home, e);
    }
  }

  /** Starts {@code kc.sh start-dev --import-realm} on 127.0.0.1, its output to keycloak.log. */
  static Process launch(Path home, int httpPort, int managementPort, String adminPassword) {
    ProcessBuilder builder =
        new ProcessBuilder(
                home.resolve("bin/kc.sh").toString(),
                "start-dev",
                "--import-realm",
                "--http-host=127.0.0.1",
                "--http-port=" + httpPort,
                "--http-management-port=" + managementPort)
            .directory(home.toFile())
            .redirectErrorStream(true)
            .redirectOutput(home.resolve("keycloak.log").toFile());
    builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
    builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword);
    // C1 only: ready in ~11-15 s instead of ~15-37 s here (2 shared cores); fine for tests
    builder.environment().put("JAVA_OPTS_APPEND", "-XX:TieredStopAtLevel=1");
    try {
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + home.resolve("bin/kc.sh"), e);
    }
  }

  static String tail(Path log, int lines) {
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

  private static void copyFolder(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  private static String runName() {
    return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
        + "-"
        + ProcessHandle.current().pid();
  }
}
