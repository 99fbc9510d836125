package org.fusioncds.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The shared third-party test data, read in place from {@code ../shared/testdata} (never copied
 * into the repository). {@code FCDS_TESTDATA} overrides the location.
 */
public final class TestData {

  private TestData() {}

  /** The root folder of the shared test data. */
  public static Path root() {
    String override = System.getenv("FCDS_TESTDATA");
    Path root =
        override != null ? Path.of(override) : Path.of("..", "shared", "testdata").toAbsolutePath();
    if (!Files.isDirectory(root)) {
      throw new IllegalStateException("shared test data not found at " + root.normalize());
    }
    return root.normalize();
  }

  /** A file or folder below the root, for example {@code dicom/transfer-syntax/MR_small.dcm}. */
  public static Path path(String relative) {
    Path p = root().resolve(relative);
    if (!Files.exists(p)) {
      throw new IllegalStateException("test data missing: " + p);
    }
    return p;
  }

  /** Every regular file below a folder of the test data, sorted by path. */
  public static List<Path> files(String relativeFolder) {
    try (Stream<Path> s = Files.walk(path(relativeFolder))) {
      return s.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
