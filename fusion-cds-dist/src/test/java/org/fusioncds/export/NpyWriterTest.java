package org.fusioncds.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.fusioncds.error.FcdsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class NpyWriterTest {

  @TempDir Path dir;

  /** What NumPy reads back: shape, dtype and the values, one line. */
  public static String numpy(Path file) throws Exception {
    Process p =
        new ProcessBuilder(
                List.of(
                    "/usr/bin/python3",
                    "-c",
                    "import sys, numpy; a = numpy.load(sys.argv[1]);"
                        + " print(a.shape, a.dtype, a.flags['C_CONTIGUOUS'], a.ravel().tolist())",
                    file.toString()))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertEquals(0, p.waitFor(), out);
    return out;
  }

  @Test
  void numpyReadsFloat32ArraysBack() throws Exception {
    Path f = dir.resolve("a.npy");

    NpyWriter.write(f, new long[] {2, 1, 3}, new float[] {1.5f, -2f, 0f, 3.25f, 4f, 5f});

    assertEquals("(2, 1, 3) float32 True [1.5, -2.0, 0.0, 3.25, 4.0, 5.0]", numpy(f));
  }

  @Test
  void numpyReadsOneDimensionalInt64ArraysBack() throws Exception {
    Path f = dir.resolve("labels.npy");

    NpyWriter.write(f, new long[] {3}, new long[] {0, 1, 1});

    assertEquals("(3,) int64 True [0, 1, 1]", numpy(f));
  }

  @Test
  void refusesFewerValuesThanTheShapeHolds() {
    Path f = dir.resolve("short.npy");

    FcdsException e =
        assertThrows(
            FcdsException.class,
            () -> NpyWriter.write(f, new long[] {2, 2}, new float[] {1, 2, 3}));

    assertEquals(4401, e.code());
  }
}
