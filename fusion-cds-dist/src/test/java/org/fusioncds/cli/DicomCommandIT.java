package org.fusioncds.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.fusioncds.testing.Dcmtk;
import org.fusioncds.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The packaged {@code target/fusion-cds.jar} run as a user runs it, with the acceptance bounds: a
 * file it cannot read ends with exit code 2, one {@code FCDS-} line on stderr, nothing on stdout,
 * within 10 s and a 512 MB heap.
 */
class DicomCommandIT {

  private static final Path JAR = Path.of("target", "fusion-cds.jar");

  record Run(int exitCode, String stdout, String stderr, long millis) {}

  static Run fusionCds(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    cmd.add("-jar");
    cmd.add(JAR.toString());
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile("out", ".txt");
    Path err = Files.createTempFile("err", ".txt");
    try {
      long start = System.nanoTime();
      Process p =
          new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("did not finish within 10 s: " + cmd);
      }
      return new Run(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8),
          (System.nanoTime() - start) / 1_000_000);
    } finally {
      Files.delete(out);
      Files.delete(err);
    }
  }

  static Stream<Path> malformedFiles() {
    return TestData.files("dicom/malformed").stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedFiles")
  void malformedFileEndsWithOneCodedLineAndNothingOnStdout(Path file, @TempDir Path tmp)
      throws Exception {
    for (String[] args :
        List.of(
            new String[] {"dicom", "json", file.toString()},
            new String[] {
              "dicom", "pixels", file.toString(), "--out", tmp.resolve("f.raw").toString()
            })) {
      Run r = fusionCds(args);
      if (r.exitCode() == 0) {
        assertTrue(!r.stdout().isBlank(), "output of a file that reads");
        continue;
      }
      assertEquals(2, r.exitCode(), r.stderr());
      assertEquals("", r.stdout());
      String[] lines = r.stderr().strip().split("\n");
      assertEquals(1, lines.length, r.stderr());
      assertTrue(lines[0].matches("FCDS-\\d{4}: .+"), lines[0]);
      assertTrue(!Files.exists(tmp.resolve("f.raw")), "no half-written output");
    }
  }

  @Test
  void jsonOfAFileParsesAndNamesItsInstance() throws Exception {
    Run r =
        fusionCds("dicom", "json", TestData.path("dicom/transfer-syntax/MR_small.dcm").toString());

    assertEquals(0, r.exitCode(), r.stderr());
    JsonNode json = new ObjectMapper().readTree(r.stdout());
    assertEquals(
        "1.3.6.1.4.1.5962.1.1.4.1.1.20040826185059.5457",
        json.path("00080018").path("Value").path(0).asText());
    assertTrue(!json.has("7FE00010"), "bulk data left out");
  }

  @Test
  void pixelsWritesTheStoredValuesThatDcmtkHolds(@TempDir Path tmp) throws Exception {
    Path file = TestData.path("dicom/transfer-syntax/MR_small_RLE.dcm");
    Path raw = tmp.resolve("frame.raw");

    Run r = fusionCds("dicom", "pixels", file.toString(), "--frame", "0", "--out", raw.toString());

    assertEquals(0, r.exitCode(), r.stderr());
    JsonNode line = new ObjectMapper().readTree(r.stdout());
    assertEquals(64, line.path("rows").asInt());
    assertEquals(64, line.path("columns").asInt());
    assertEquals(16, line.path("bitsAllocated").asInt());
    assertEquals(1, line.path("pixelRepresentation").asInt());
    assertEquals("MONOCHROME2", line.path("photometric").asText());
    assertEquals(1, line.path("frames").asInt());
    Path decompressed = tmp.resolve("ref.dcm");
    Dcmtk.run("dcmdrle", file.toString(), decompressed.toString());
    Path dumpDir = Files.createDirectories(tmp.resolve("dump"));
    Dcmtk.run("dcmdump", "+W", dumpDir.toString(), decompressed.toString());
    byte[] reference;
    try (Stream<Path> s = Files.list(dumpDir)) {
      reference =
          Files.readAllBytes(s.filter(p -> p.toFile().length() == 8192).findFirst().orElseThrow());
    }
    assertArrayEquals(reference, Files.readAllBytes(raw));
  }

  @Test
  void frameBeyondTheLastIsACodedError(@TempDir Path tmp) throws Exception {
    Run r =
        fusionCds(
            "dicom",
            "pixels",
            TestData.path("dicom/multiframe/SC_rgb_rle_2frame.dcm").toString(),
            "--frame",
            "2",
            "--out",
            tmp.resolve("x.raw").toString());

    assertEquals(2, r.exitCode());
    assertTrue(r.stderr().startsWith("FCDS-2106: frame 2 requested, the image has 2"), r.stderr());
  }

  @Test
  void missingFileAndUnknownCommandAreCodedErrors(@TempDir Path tmp) throws Exception {
    Run missing = fusionCds("dicom", "json", tmp.resolve("nope.dcm").toString());
    Run unknown = fusionCds("dicom", "frobnicate");

    assertEquals(2, missing.exitCode());
    assertTrue(missing.stderr().startsWith("FCDS-2001: cannot open file"), missing.stderr());
    assertEquals(2, unknown.exitCode());
    assertTrue(unknown.stderr().startsWith("FCDS-8001: "), unknown.stderr());
    assertEquals("", unknown.stdout());
  }
}
