package org.fusioncds.imaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.fusioncds.dicom.volume.VolumeGrid;
import org.fusioncds.dicom.volume.VolumeMemoryFixture;
import org.fusioncds.dicom.volume.VolumeOptions;
import org.fusioncds.dicom.volume.VolumeResampler;
import org.fusioncds.dicom.web.DicomWebClient;
import org.fusioncds.model.ModelCard;
import org.fusioncds.model.StudySelector;
import org.fusioncds.sandbox.SandboxDicomWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peak heap of the hook's series path for a 512 × 512 × 300 CT: the series (one file per slice) is
 * served over DICOMweb by the sandbox server in this JVM; a child JVM whose heap is capped at twice
 * the float32 volume (2 × 314,572,800 bytes) gathers it with {@link SeriesGather} (QIDO-RS, WADO-RS
 * series metadata, frames fetched on 4 threads, 8 ahead) and builds and resamples it to 48³ as the
 * assembly does. The child fails with OutOfMemoryError if the path needs more; it prints the peak
 * of its heap pools and the time. Long (about a minute, 157 MB written): run with {@code
 * -Dfcds.volumeMemory=true}.
 */
@EnabledIfSystemProperty(named = "fcds.volumeMemory", matches = "true")
class SeriesMemoryTest {

  @Test
  void a512By512By300CtGatheredOverDicomWebFitsInTwiceItsFloatVolume(@TempDir Path dir)
      throws Exception {
    VolumeMemoryFixture.writeSeries(dir);
    long volumeBytes = 4L * VolumeMemoryFixture.SIZE * VolumeMemoryFixture.SIZE * 300;
    long cap = 2 * volumeBytes;
    try (SandboxDicomWebServer pacs = SandboxDicomWebServer.start(dir)) {
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      Process p =
          new ProcessBuilder(
                  java.toString(),
                  "-Xmx" + cap,
                  "-Xms" + cap,
                  "-XX:+UseSerialGC",
                  "-cp",
                  System.getProperty("java.class.path"),
                  SeriesMemoryTest.class.getName(),
                  pacs.baseUrl())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int rc = p.waitFor();
      System.out.println(
          "series memory probe over DICOMweb (heap capped at " + cap + " bytes): " + out.strip());
      assertEquals(0, rc, out);
      assertTrue(out.contains("peak heap"), out);
    }
  }

  /** The child: gathers the series from the DICOMweb base in args[0], builds it, resamples. */
  public static void main(String[] args) {
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
    try (DicomWebClient client =
            new DicomWebClient(
                URI.create(args[0]),
                () -> null,
                new DicomWebClient.Settings(
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(30),
                    1,
                    Duration.ofMillis(50),
                    Duration.ofSeconds(1),
                    Duration.ofMinutes(5)));
        SeriesGather gather = new SeriesGather(new SeriesGather.Settings(4, 8, 2000))) {
      SeriesGather.Series s =
          gather.gather(
              client,
              VolumeMemoryFixture.STUDY_UID,
              Set.of(),
              new StudySelector(new ModelCard.Study(List.of("CT"), List.of(), null)));
      long listed = (System.nanoTime() - t0) / 1_000_000;
      VolumeGrid grid =
          new VolumeGrid("LPS", new double[] {7, 7, 7}, new int[] {48, 48, 48}, -1024, 0.5);
      VolumeResampler.Resampled r =
          VolumeResampler.fromSeries(s.slices(), grid, 64, VolumeOptions.DEFAULT);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      long peak = heap.stream().mapToLong(b -> b.getPeakUsage().getUsed()).sum();
      System.out.printf(
          Locale.ROOT,
          "%d slices, peak heap %d bytes (%.2f x the float32 volume of %d bytes; %d bytes"
              + " before), listed and headers read in %d ms, all gathered, built and resampled in"
              + " %d ms (%d frames, %.0f ms of fetch and decode over the threads), coverage %.3f%n",
          s.slices().size(),
          peak,
          peak / (4.0 * VolumeMemoryFixture.SIZE * VolumeMemoryFixture.SIZE * s.slices().size()),
          4L * VolumeMemoryFixture.SIZE * VolumeMemoryFixture.SIZE * s.slices().size(),
          before,
          listed,
          ms,
          s.frames().fetched(),
          s.frames().fetchMillis(),
          r.coverage());
    }
  }
}
