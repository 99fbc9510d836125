package org.fusioncds.dicom.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peak heap of series → volume → 48³ grid for a 512 × 512 × 300 CT (one file per slice, as a PACS
 * stores it): the series is written to a temporary folder, then built and resampled in a child JVM
 * whose heap is capped at twice the float32 volume (2 × 314,572,800 bytes). The child fails with
 * OutOfMemoryError if the path needs more; it prints the peak of its heap pools. Long (about a
 * minute, 157 MB written): run with {@code -Dfcds.volumeMemory=true}.
 */
@EnabledIfSystemProperty(named = "fcds.volumeMemory", matches = "true")
class VolumeMemoryTest {

  static final int SIZE = VolumeMemoryFixture.SIZE;
  static final int SLICES = VolumeMemoryFixture.SLICES;

  @Test
  void a512By512By300CtFitsInTwiceItsFloatVolume(@TempDir Path dir) throws Exception {
    VolumeMemoryFixture.writeSeries(dir);
    long volumeBytes = 4L * SIZE * SIZE * SLICES;
    long cap = 2 * volumeBytes;
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                java.toString(),
                "-Xmx" + cap,
                "-Xms" + cap,
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                VolumeMemoryTest.class.getName(),
                dir.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int rc = p.waitFor();
    System.out.println("volume memory probe (heap capped at " + cap + " bytes): " + out.strip());
    assertEquals(0, rc, out);
    assertTrue(out.contains("peak heap"), out);
  }

  /** The child: builds the volume of the series in args[0] and resamples it to 48³. */
  public static void main(String[] args) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(Path.of(args[0]))) {
      files = s.sorted().toList();
    }
    System.gc();
    List<MemoryPoolMXBean> heap = new ArrayList<>();
    for (MemoryPoolMXBean b : ManagementFactory.getMemoryPoolMXBeans()) {
      if (b.getType() == MemoryType.HEAP) {
        b.resetPeakUsage();
        heap.add(b);
      }
    }
    long before = heap.stream().mapToLong(b -> b.getUsage().getUsed()).sum();
    long t0 = System.nanoTime();
    VolumeGrid grid =
        new VolumeGrid("LPS", new double[] {7, 7, 7}, new int[] {48, 48, 48}, -1024, 0.5);
    VolumeResampler.Resampled r =
        VolumeResampler.fromSeries(
            VolumeBuilder.sources(files, VolumeOptions.DEFAULT), grid, 64, VolumeOptions.DEFAULT);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    long peak = heap.stream().mapToLong(b -> b.getPeakUsage().getUsed()).sum();
    System.out.printf(
        Locale.ROOT,
        "%d slices, peak heap %d bytes (%.2f x the float32 volume of %d bytes; %d bytes before),"
            + " %d ms, coverage %.3f, grid %d voxels%n",
        files.size(),
        peak,
        peak / (4.0 * SIZE * SIZE * files.size()),
        4L * SIZE * SIZE * files.size(),
        before,
        ms,
        r.coverage(),
        r.voxels().length);
  }
}
