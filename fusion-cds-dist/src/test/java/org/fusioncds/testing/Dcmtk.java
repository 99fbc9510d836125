package org.fusioncds.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * DCMTK's command-line tools (Debian package {@code dcmtk}, installed by {@code .ci/run}), our
 * reference implementation in tests.
 */
public final class Dcmtk {

  private Dcmtk() {}

  /** Runs a DCMTK tool; returns stdout; fails the test with stderr when it exits non-zero. */
  public static String run(String... command) {
    return exec(true, command).stdout();
  }

  /** Runs a tool and returns its exit code and outputs, whatever the exit code. */
  public static Result exec(boolean requireSuccess, String... command) {
    List<String> cmd = new ArrayList<>(List.of(command));
    try {
      Path out = Files.createTempFile("dcmtk", ".out");
      Path err = Files.createTempFile("dcmtk", ".err");
      try {
        Process p =
            new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new AssertionError("timed out: " + cmd);
        }
        Result r =
            new Result(
                p.exitValue(),
                new String(Files.readAllBytes(out), StandardCharsets.UTF_8),
                new String(Files.readAllBytes(err), StandardCharsets.UTF_8));
        if (requireSuccess && r.exitCode() != 0) {
          throw new AssertionError(cmd + " exited " + r.exitCode() + ": " + r.stderr());
        }
        return r;
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new AssertionError(
          "cannot run " + cmd.get(0) + " (is DCMTK installed? .ci/run installs it): " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Exit code and outputs of a process. */
  public record Result(int exitCode, String stdout, String stderr) {}
}
